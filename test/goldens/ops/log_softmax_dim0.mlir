// Golden case log_softmax_dim0: made by scripts/goldens/make_op_goldens.py; values in log_softmax_dim0.safetensors.
func.func @f(%a0: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %r0 = loom.log_softmax %a0 dim 0 acc(f64) : tensor<4x3xf64>
  return %r0 : tensor<4x3xf64>
}
