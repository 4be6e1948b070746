// Golden case log_softmax_dim1: made by scripts/goldens/make_op_goldens.py; values in log_softmax_dim1.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.log_softmax %a0 dim 1 acc(f64) : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
