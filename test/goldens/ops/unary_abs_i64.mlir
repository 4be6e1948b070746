// Golden case unary_abs_i64: made by scripts/goldens/make_op_goldens.py; values in unary_abs_i64.safetensors.
func.func @f(%a0: tensor<2x5xi64>) -> tensor<2x5xi64> {
  %r0 = loom.unary abs %a0 : tensor<2x5xi64>
  return %r0 : tensor<2x5xi64>
}
