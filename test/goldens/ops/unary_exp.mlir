// Golden case unary_exp: made by scripts/goldens/make_op_goldens.py; values in unary_exp.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.unary exp %a0 : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
