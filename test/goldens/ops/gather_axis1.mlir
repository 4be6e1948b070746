// Golden case gather_axis1: made by scripts/goldens/make_op_goldens.py; values in gather_axis1.safetensors.
func.func @f(%a0: tensor<3x5x2xf64>, %a1: tensor<4xi32>) -> tensor<3x4x2xf64> {
  %r0 = loom.gather %a0[%a1] axis 1 : tensor<3x5x2xf64>, tensor<4xi32>
  return %r0 : tensor<3x4x2xf64>
}
