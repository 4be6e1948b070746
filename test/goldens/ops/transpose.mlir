// Golden case transpose: made by scripts/goldens/make_op_goldens.py; values in transpose.safetensors.
func.func @f(%a0: tensor<2x3x4xf64>) -> tensor<4x2x3xf64> {
  %r0 = loom.transpose %a0 perm [2, 0, 1] : tensor<2x3x4xf64>
  return %r0 : tensor<4x2x3xf64>
}
