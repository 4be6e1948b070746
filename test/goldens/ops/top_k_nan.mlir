// Golden case top_k_nan: made by scripts/goldens/make_op_goldens.py; values in top_k_nan.safetensors.
func.func @f(%a0: tensor<1x5xf64>) -> (tensor<1x3xf64>, tensor<1x3xi64>) {
  %r0, %r1 = loom.top_k %a0 k 3 : tensor<1x5xf64>
  return %r0, %r1 : tensor<1x3xf64>, tensor<1x3xi64>
}
