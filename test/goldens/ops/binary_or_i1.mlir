// Golden case binary_or_i1: made by scripts/goldens/make_op_goldens.py; values in binary_or_i1.safetensors.
func.func @f(%a0: tensor<4xi1>, %a1: tensor<4xi1>) -> tensor<4xi1> {
  %r0 = loom.binary or %a0, %a1 : tensor<4xi1>
  return %r0 : tensor<4xi1>
}
