// Golden case bounded_reduce_sum: made by scripts/goldens/make_op_goldens.py; values in bounded_reduce_sum.safetensors.
func.func @f(%a0: tensor<?x4xf64, #loom.bounds<[8, 4]>>) -> tensor<4xf64> {
  %r0 = loom.reduce sum %a0 dims [0] acc(f64) : tensor<?x4xf64, #loom.bounds<[8, 4]>>
  return %r0 : tensor<4xf64>
}
