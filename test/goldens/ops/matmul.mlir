// Golden case matmul: made by scripts/goldens/make_op_goldens.py; values in matmul.safetensors.
func.func @f(%a0: tensor<3x4xf64>, %a1: tensor<4x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.matmul %a0, %a1 acc(f64) : tensor<3x4xf64>, tensor<4x5xf64>
  return %r0 : tensor<3x5xf64>
}
