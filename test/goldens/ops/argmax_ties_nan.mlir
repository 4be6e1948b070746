// Golden case argmax_ties_nan: made by scripts/goldens/make_op_goldens.py; values in argmax_ties_nan.safetensors.
func.func @f(%a0: tensor<4x5xf64>) -> tensor<5xi64> {
  %r0 = loom.argmax %a0 dim 0 : tensor<4x5xf64>
  return %r0 : tensor<5xi64>
}
