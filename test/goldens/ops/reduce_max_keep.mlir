// Golden case reduce_max_keep: made by scripts/goldens/make_op_goldens.py; values in reduce_max_keep.safetensors.
func.func @f(%a0: tensor<3x4x5xf64>) -> tensor<1x1x5xf64> {
  %r0 = loom.reduce max %a0 dims [0, 1] keep_dims acc(f64) : tensor<3x4x5xf64>
  return %r0 : tensor<1x1x5xf64>
}
