// Golden case attention_windowed: made by scripts/goldens/make_op_goldens.py; values in attention_windowed.safetensors.
func.func @f(%a0: tensor<1x6x4x4xf64>, %a1: tensor<1x6x2x4xf64>, %a2: tensor<1x6x2x4xf64>, %a3: tensor<1x6xi64>, %a4: tensor<1x6xi64>, %a5: tensor<1x6xi64>, %a6: tensor<1x6xi64>) -> (tensor<1x6x4x4xf64>, tensor<1x6x4xf64>) {
  %r0, %r1 = loom.attention %a0, %a1, %a2 query_positions(%a3) key_positions(%a4) visible(%a5, %a6) : tensor<1x6x4x4xf64>, tensor<1x6x2x4xf64>, tensor<1x6x2x4xf64>, tensor<1x6xi64>, tensor<1x6xi64>
  return %r0, %r1 : tensor<1x6x4x4xf64>, tensor<1x6x4xf64>
}
