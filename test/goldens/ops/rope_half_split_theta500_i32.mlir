// Golden case rope_half_split_theta500_i32: made by scripts/goldens/make_op_goldens.py; values in rope_half_split_theta500_i32.safetensors.
func.func @f(%a0: tensor<1x4x3x6xf64>, %a1: tensor<1x4xi32>) -> tensor<1x4x3x6xf64> {
  %r0 = loom.rope %a0 positions(%a1 : tensor<1x4xi32>) layout(half_split) {theta = 500.0 : f64} : tensor<1x4x3x6xf64>
  return %r0 : tensor<1x4x3x6xf64>
}
