// Golden case attention_scale_cross: made by scripts/goldens/make_op_goldens.py; values in attention_scale_cross.safetensors.
func.func @f(%a0: tensor<2x3x2x4xf64>, %a1: tensor<2x4x2x4xf64>, %a2: tensor<2x4x2x3xf64>, %a3: tensor<2x3xi64>, %a4: tensor<2x4xi64>, %a5: tensor<2x4xi64>, %a6: tensor<2x4xi64>) -> (tensor<2x3x2x3xf64>, tensor<2x3x2xf64>) {
  %r0, %r1 = loom.attention %a0, %a1, %a2 query_positions(%a3) key_positions(%a4) visible(%a5, %a6) {scale = 0.3 : f64} : tensor<2x3x2x4xf64>, tensor<2x4x2x4xf64>, tensor<2x4x2x3xf64>, tensor<2x3xi64>, tensor<2x4xi64>
  return %r0, %r1 : tensor<2x3x2x3xf64>, tensor<2x3x2xf64>
}
