// Golden case sort_ties_i64: made by scripts/goldens/make_op_goldens.py; values in sort_ties_i64.safetensors.
func.func @f(%a0: tensor<7xi64>) -> (tensor<7xi64>, tensor<7xi64>) {
  %r0, %r1 = loom.sort %a0 dim 0 : tensor<7xi64>
  return %r0, %r1 : tensor<7xi64>, tensor<7xi64>
}
