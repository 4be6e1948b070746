// Golden case cumsum_exclusive: made by scripts/goldens/make_op_goldens.py; values in cumsum_exclusive.safetensors.
func.func @f(%a0: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %r0 = loom.cumsum %a0 dim 1 acc(f64) {exclusive} : tensor<3x5xf64>
  return %r0 : tensor<3x5xf64>
}
