// Golden case binary_atan2: made by scripts/goldens/make_op_goldens.py; values in binary_atan2.safetensors.
func.func @f(%a0: tensor<3x4xf64>, %a1: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %r0 = loom.binary atan2 %a0, %a1 : tensor<3x4xf64>
  return %r0 : tensor<3x4xf64>
}
