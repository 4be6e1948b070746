// Golden case reduce_min_keep: made by scripts/goldens/make_op_goldens.py; values in reduce_min_keep.safetensors.
func.func @f(%a0: tensor<3x4x5xf64>) -> tensor<3x1x5xf64> {
  %r0 = loom.reduce min %a0 dims [1] keep_dims acc(f64) : tensor<3x4x5xf64>
  return %r0 : tensor<3x1x5xf64>
}
