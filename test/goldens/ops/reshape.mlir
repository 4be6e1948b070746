// Golden case reshape: made by scripts/goldens/make_op_goldens.py; values in reshape.safetensors.
func.func @f(%a0: tensor<2x3x4xf64>) -> tensor<6x4xf64> {
  %r0 = loom.reshape %a0 : tensor<2x3x4xf64> -> tensor<6x4xf64>
  return %r0 : tensor<6x4xf64>
}
