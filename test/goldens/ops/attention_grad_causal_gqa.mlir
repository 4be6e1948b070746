// Golden case attention_grad_causal_gqa: made by scripts/goldens/make_op_goldens.py; values in attention_grad_causal_gqa.safetensors.
func.func @f(%a0: tensor<2x5x4x4xf64>, %a1: tensor<2x5x2x4xf64>, %a2: tensor<2x5x2x4xf64>, %a3: tensor<2x5x4x4xf64>, %a4: tensor<2x5x4xf64>, %a5: tensor<2x5x4x4xf64>, %a6: tensor<2x5xi64>, %a7: tensor<2x5xi64>, %a8: tensor<2x5xi64>, %a9: tensor<2x5xi64>) -> (tensor<2x5x4x4xf64>, tensor<2x5x2x4xf64>, tensor<2x5x2x4xf64>) {
  %r0, %r1, %r2 = loom.attention_grad %a0, %a1, %a2, %a3, %a4, %a5 query_positions(%a6) key_positions(%a7) visible(%a8, %a9) : tensor<2x5x4x4xf64>, tensor<2x5x2x4xf64>, tensor<2x5x2x4xf64>, tensor<2x5x4x4xf64>, tensor<2x5x4xf64>, tensor<2x5xi64>, tensor<2x5xi64>
  return %r0, %r1, %r2 : tensor<2x5x4x4xf64>, tensor<2x5x2x4xf64>, tensor<2x5x2x4xf64>
}
