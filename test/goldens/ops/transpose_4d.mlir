// Golden case transpose_4d: made by scripts/goldens/make_op_goldens.py; values in transpose_4d.safetensors.
func.func @f(%a0: tensor<2x3x2x2xf64>) -> tensor<2x2x3x2xf64> {
  %r0 = loom.transpose %a0 perm [0, 2, 1, 3] : tensor<2x3x2x2xf64>
  return %r0 : tensor<2x2x3x2xf64>
}
