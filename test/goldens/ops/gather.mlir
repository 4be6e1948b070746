// Golden case gather: made by scripts/goldens/make_op_goldens.py; values in gather.safetensors.
func.func @f(%a0: tensor<6x4xf64>, %a1: tensor<2x3xi64>) -> tensor<2x3x4xf64> {
  %r0 = loom.gather %a0[%a1] axis 0 : tensor<6x4xf64>, tensor<2x3xi64>
  return %r0 : tensor<2x3x4xf64>
}
