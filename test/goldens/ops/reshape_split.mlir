// Golden case reshape_split: made by scripts/goldens/make_op_goldens.py; values in reshape_split.safetensors.
func.func @f(%a0: tensor<2x6xf64>) -> tensor<3x2x2xf64> {
  %r0 = loom.reshape %a0 : tensor<2x6xf64> -> tensor<3x2x2xf64>
  return %r0 : tensor<3x2x2xf64>
}
