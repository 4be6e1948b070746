// Golden case broadcast_scalar: made by scripts/goldens/make_op_goldens.py; values in broadcast_scalar.safetensors.
func.func @f(%a0: tensor<f64>) -> tensor<2x3xf64> {
  %r0 = loom.broadcast %a0 dims [] : tensor<f64> -> tensor<2x3xf64>
  return %r0 : tensor<2x3xf64>
}
