// Golden case matmul_transpose_lhs: made by scripts/goldens/make_op_goldens.py; values in matmul_transpose_lhs.safetensors.
func.func @f(%a0: tensor<4x3xf64>, %a1: tensor<4x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.matmul %a0, %a1 transpose_lhs acc(f64) : tensor<4x3xf64>, tensor<4x5xf64>
  return %r0 : tensor<3x5xf64>
}
