// Golden case unary_expm1: made by scripts/goldens/make_op_goldens.py; values in unary_expm1.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.unary expm1 %a0 : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
