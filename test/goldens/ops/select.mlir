// Golden case select: made by scripts/goldens/make_op_goldens.py; values in select.safetensors.
func.func @f(%a0: tensor<3x4xi1>, %a1: tensor<3x4xf64>, %a2: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %r0 = loom.select %a0, %a1, %a2 : tensor<3x4xi1>, tensor<3x4xf64>
  return %r0 : tensor<3x4xf64>
}
