// Golden case unary_gelu_tanh: made by scripts/goldens/make_op_goldens.py; values in unary_gelu_tanh.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.unary gelu_tanh %a0 : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
