// Golden case attention_grad_masked_rows: made by scripts/goldens/make_op_goldens.py; values in attention_grad_masked_rows.safetensors.
func.func @f(%a0: tensor<1x4x4x4xf64>, %a1: tensor<1x5x2x4xf64>, %a2: tensor<1x5x2x4xf64>, %a3: tensor<1x4x4x4xf64>, %a4: tensor<1x4x4xf64>, %a5: tensor<1x4x4x4xf64>, %a6: tensor<1x4xi64>, %a7: tensor<1x5xi64>, %a8: tensor<1x5xi64>, %a9: tensor<1x5xi64>) -> (tensor<1x4x4x4xf64>, tensor<1x5x2x4xf64>, tensor<1x5x2x4xf64>) {
  %r0, %r1, %r2 = loom.attention_grad %a0, %a1, %a2, %a3, %a4, %a5 query_positions(%a6) key_positions(%a7) visible(%a8, %a9) : tensor<1x4x4x4xf64>, tensor<1x5x2x4xf64>, tensor<1x5x2x4xf64>, tensor<1x4x4x4xf64>, tensor<1x4x4xf64>, tensor<1x4xi64>, tensor<1x5xi64>
  return %r0, %r1, %r2 : tensor<1x4x4x4xf64>, tensor<1x5x2x4xf64>, tensor<1x5x2x4xf64>
}
