// Golden case top_k: made by scripts/goldens/make_op_goldens.py; values in top_k.safetensors.
func.func @f(%a0: tensor<3x8xf64>) -> (tensor<3x3xf64>, tensor<3x3xi64>) {
  %r0, %r1 = loom.top_k %a0 k 3 : tensor<3x8xf64>
  return %r0, %r1 : tensor<3x3xf64>, tensor<3x3xi64>
}
