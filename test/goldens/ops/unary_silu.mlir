// Golden case unary_silu: made by scripts/goldens/make_op_goldens.py; values in unary_silu.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.unary silu %a0 : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
