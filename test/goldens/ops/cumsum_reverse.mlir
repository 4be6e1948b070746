// Golden case cumsum_reverse: made by scripts/goldens/make_op_goldens.py; values in cumsum_reverse.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.cumsum %a0 dim 1 acc(f64) {reverse} : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
