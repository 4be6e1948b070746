// Golden case cross_entropy_ignore0_rank3: made by scripts/goldens/make_op_goldens.py; values in cross_entropy_ignore0_rank3.safetensors.
func.func @f(%a0: tensor<2x3x5xf64>, %a1: tensor<2x3xi64>) -> tensor<2x3xf64> {
  %r0 = loom.cross_entropy %a0, %a1 acc(f64) {ignore_index = 0 : i64} : tensor<2x3x5xf64>, tensor<2x3xi64>
  return %r0 : tensor<2x3xf64>
}
