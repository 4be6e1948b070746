// Golden case unary_cos: made by scripts/goldens/make_op_goldens.py; values in unary_cos.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.unary cos %a0 : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
