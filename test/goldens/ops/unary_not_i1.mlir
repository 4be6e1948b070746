// Golden case unary_not_i1: made by scripts/goldens/make_op_goldens.py; values in unary_not_i1.safetensors.
func.func @f(%a0: tensor<6xi1>) -> tensor<6xi1> {
  %r0 = loom.unary not %a0 : tensor<6xi1>
  return %r0 : tensor<6xi1>
}
