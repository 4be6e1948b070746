// Golden case reduce_sum_i64: made by scripts/goldens/make_op_goldens.py; values in reduce_sum_i64.safetensors.
func.func @f(%a0: tensor<2x3xi64>) -> tensor<2xi64> {
  %r0 = loom.reduce sum %a0 dims [1] acc(i64) : tensor<2x3xi64>
  return %r0 : tensor<2xi64>
}
