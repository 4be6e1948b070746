// Golden case binary_max_i64: made by scripts/goldens/make_op_goldens.py; values in binary_max_i64.safetensors.
func.func @f(%a0: tensor<2x4xi64>, %a1: tensor<2x4xi64>) -> tensor<2x4xi64> {
  %r0 = loom.binary max %a0, %a1 : tensor<2x4xi64>
  return %r0 : tensor<2x4xi64>
}
