// Golden case concat_dim0: made by scripts/goldens/make_op_goldens.py; values in concat_dim0.safetensors.
func.func @f(%a0: tensor<1x3xf64>, %a1: tensor<2x3xf64>) -> tensor<3x3xf64> {
  %r0 = loom.concat %a0, %a1 dim 0 : tensor<1x3xf64>, tensor<2x3xf64>
  return %r0 : tensor<3x3xf64>
}
