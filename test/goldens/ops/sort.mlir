// Golden case sort: made by scripts/goldens/make_op_goldens.py; values in sort.safetensors.
func.func @f(%a0: tensor<3x6xf64>) -> (tensor<3x6xf64>, tensor<3x6xi64>) {
  %r0, %r1 = loom.sort %a0 dim 1 : tensor<3x6xf64>
  return %r0, %r1 : tensor<3x6xf64>, tensor<3x6xi64>
}
