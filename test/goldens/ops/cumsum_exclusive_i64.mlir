// Golden case cumsum_exclusive_i64: made by scripts/goldens/make_op_goldens.py; values in cumsum_exclusive_i64.safetensors.
func.func @f(%a0: tensor<2x5xi64>) -> tensor<2x5xi64> {
  %r0 = loom.cumsum %a0 dim 1 acc(i64) {exclusive} : tensor<2x5xi64>
  return %r0 : tensor<2x5xi64>
}
