// Golden case binary_max_nan: made by scripts/goldens/make_op_goldens.py; values in binary_max_nan.safetensors.
func.func @f(%a0: tensor<6xf64>, %a1: tensor<6xf64>) -> tensor<6xf64> {
  %r0 = loom.binary max %a0, %a1 : tensor<6xf64>
  return %r0 : tensor<6xf64>
}
