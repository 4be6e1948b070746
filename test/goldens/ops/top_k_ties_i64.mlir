// Golden case top_k_ties_i64: made by scripts/goldens/make_op_goldens.py; values in top_k_ties_i64.safetensors.
func.func @f(%a0: tensor<3x6xi64>) -> (tensor<3x4xi64>, tensor<3x4xi64>) {
  %r0, %r1 = loom.top_k %a0 k 4 : tensor<3x6xi64>
  return %r0, %r1 : tensor<3x4xi64>, tensor<3x4xi64>
}
