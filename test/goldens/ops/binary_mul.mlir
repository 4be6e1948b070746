// Golden case binary_mul: made by scripts/goldens/make_op_goldens.py; values in binary_mul.safetensors.
func.func @f(%a0: tensor<3x4xf64>, %a1: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %r0 = loom.binary mul %a0, %a1 : tensor<3x4xf64>
  return %r0 : tensor<3x4xf64>
}
