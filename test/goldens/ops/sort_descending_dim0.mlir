// Golden case sort_descending_dim0: made by scripts/goldens/make_op_goldens.py; values in sort_descending_dim0.safetensors.
func.func @f(%a0: tensor<5x3xf64>) -> (tensor<5x3xf64>, tensor<5x3xi64>) {
  %r0, %r1 = loom.sort %a0 dim 0 {descending} : tensor<5x3xf64>
  return %r0, %r1 : tensor<5x3xf64>, tensor<5x3xi64>
}
