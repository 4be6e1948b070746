// Golden case reduce_sum_all: made by scripts/goldens/make_op_goldens.py; values in reduce_sum_all.safetensors.
func.func @f(%a0: tensor<3x4x5xf64>) -> tensor<f64> {
  %r0 = loom.reduce sum %a0 dims [0, 1, 2] acc(f64) : tensor<3x4x5xf64>
  return %r0 : tensor<f64>
}
