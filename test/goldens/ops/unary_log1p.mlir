// Golden case unary_log1p: made by scripts/goldens/make_op_goldens.py; values in unary_log1p.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.unary log1p %a0 : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
