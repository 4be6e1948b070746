// Golden case reduce_mean_keep: made by scripts/goldens/make_op_goldens.py; values in reduce_mean_keep.safetensors.
func.func @f(%a0: tensor<3x4x5xf64>) -> tensor<1x4x1xf64> {
  %r0 = loom.reduce mean %a0 dims [0, 2] keep_dims acc(f64) : tensor<3x4x5xf64>
  return %r0 : tensor<1x4x1xf64>
}
