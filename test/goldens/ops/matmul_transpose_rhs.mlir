// Golden case matmul_transpose_rhs: made by scripts/goldens/make_op_goldens.py; values in matmul_transpose_rhs.safetensors.
func.func @f(%a0: tensor<3x4xf64>, %a1: tensor<5x4xf64>) -> tensor<3x5xf64> {
  %r0 = loom.matmul %a0, %a1 transpose_rhs acc(f64) : tensor<3x4xf64>, tensor<5x4xf64>
  return %r0 : tensor<3x5xf64>
}
