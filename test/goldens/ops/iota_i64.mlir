// Golden case iota_i64: made by scripts/goldens/make_op_goldens.py; values in iota_i64.safetensors.
func.func @f() -> tensor<3x4xi64> {
  %r0 = loom.iota dim 1 : tensor<3x4xi64>
  return %r0 : tensor<3x4xi64>
}
