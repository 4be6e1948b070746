// Golden case reduce_max: made by scripts/goldens/make_op_goldens.py; values in reduce_max.safetensors.
func.func @f(%a0: tensor<3x4x5xf64>) -> tensor<3x4xf64> {
  %r0 = loom.reduce max %a0 dims [2] acc(f64) : tensor<3x4x5xf64>
  return %r0 : tensor<3x4xf64>
}
