// Golden case scatter_add_axis1: made by scripts/goldens/make_op_goldens.py; values in scatter_add_axis1.safetensors.
func.func @f(%a0: tensor<3x4x2xf64>, %a1: tensor<3x5x2xf64>, %a2: tensor<4xi64>) -> tensor<3x5x2xf64> {
  %r0 = loom.scatter_add %a0 into %a1[%a2] axis 1 : tensor<3x4x2xf64>, tensor<3x5x2xf64>, tensor<4xi64>
  return %r0 : tensor<3x5x2xf64>
}
