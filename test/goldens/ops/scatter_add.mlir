// Golden case scatter_add: made by scripts/goldens/make_op_goldens.py; values in scatter_add.safetensors.
func.func @f(%a0: tensor<2x3x4xf64>, %a1: tensor<6x4xf64>, %a2: tensor<2x3xi64>) -> tensor<6x4xf64> {
  %r0 = loom.scatter_add %a0 into %a1[%a2] axis 0 : tensor<2x3x4xf64>, tensor<6x4xf64>, tensor<2x3xi64>
  return %r0 : tensor<6x4xf64>
}
