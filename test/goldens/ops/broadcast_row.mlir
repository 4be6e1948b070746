// Golden case broadcast_row: made by scripts/goldens/make_op_goldens.py; values in broadcast_row.safetensors.
func.func @f(%a0: tensor<3xf64>) -> tensor<2x3xf64> {
  %r0 = loom.broadcast %a0 dims [1] : tensor<3xf64> -> tensor<2x3xf64>
  return %r0 : tensor<2x3xf64>
}
