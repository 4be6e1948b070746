// Golden case rope_half_split: made by scripts/goldens/make_op_goldens.py; values in rope_half_split.safetensors.
func.func @f(%a0: tensor<2x3x2x8xf64>, %a1: tensor<2x3xi64>) -> tensor<2x3x2x8xf64> {
  %r0 = loom.rope %a0 positions(%a1 : tensor<2x3xi64>) layout(half_split) {theta = 10000.0 : f64} : tensor<2x3x2x8xf64>
  return %r0 : tensor<2x3x2x8xf64>
}
