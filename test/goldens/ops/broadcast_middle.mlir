// Golden case broadcast_middle: made by scripts/goldens/make_op_goldens.py; values in broadcast_middle.safetensors.
func.func @f(%a0: tensor<2x3xf64>) -> tensor<2x4x3xf64> {
  %r0 = loom.broadcast %a0 dims [0, 2] : tensor<2x3xf64> -> tensor<2x4x3xf64>
  return %r0 : tensor<2x4x3xf64>
}
