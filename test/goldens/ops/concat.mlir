// Golden case concat: made by scripts/goldens/make_op_goldens.py; values in concat.safetensors.
func.func @f(%a0: tensor<2x1xf64>, %a1: tensor<2x3xf64>, %a2: tensor<2x2xf64>) -> tensor<2x6xf64> {
  %r0 = loom.concat %a0, %a1, %a2 dim 1 : tensor<2x1xf64>, tensor<2x3xf64>, tensor<2x2xf64>
  return %r0 : tensor<2x6xf64>
}
