// Golden case reduce_sum: made by scripts/goldens/make_op_goldens.py; values in reduce_sum.safetensors.
func.func @f(%a0: tensor<3x4x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.reduce sum %a0 dims [1] acc(f64) : tensor<3x4x5xf64>
  return %r0 : tensor<3x5xf64>
}
