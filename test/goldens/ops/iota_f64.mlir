// Golden case iota_f64: made by scripts/goldens/make_op_goldens.py; values in iota_f64.safetensors.
func.func @f() -> tensor<3x2xf64> {
  %r0 = loom.iota dim 0 : tensor<3x2xf64>
  return %r0 : tensor<3x2xf64>
}
