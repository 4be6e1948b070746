// Golden case argmax: made by scripts/goldens/make_op_goldens.py; values in argmax.safetensors.
func.func @f(%a0: tensor<4x6xf64>) -> tensor<4xi64> {
  %r0 = loom.argmax %a0 dim 1 : tensor<4x6xf64>
  return %r0 : tensor<4xi64>
}
