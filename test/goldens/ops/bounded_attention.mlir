// Golden case bounded_attention: made by scripts/goldens/make_op_goldens.py; values in bounded_attention.safetensors.
func.func @f(%a0: tensor<1x4x4x4xf64>, %a1: tensor<1x?x2x4xf64, #loom.bounds<[1, 6, 2, 4]>>, %a2: tensor<1x?x2x4xf64, #loom.bounds<[1, 6, 2, 4]>>, %a3: tensor<1x4xi64>, %a4: tensor<1x?xi64, #loom.bounds<[1, 6]>>, %a5: tensor<1x?xi64, #loom.bounds<[1, 6]>>, %a6: tensor<1x?xi64, #loom.bounds<[1, 6]>>) -> (tensor<1x4x4x4xf64>, tensor<1x4x4xf64>) {
  %r0, %r1 = loom.attention %a0, %a1, %a2 query_positions(%a3) key_positions(%a4) visible(%a5, %a6) : tensor<1x4x4x4xf64>, tensor<1x?x2x4xf64, #loom.bounds<[1, 6, 2, 4]>>, tensor<1x?x2x4xf64, #loom.bounds<[1, 6, 2, 4]>>, tensor<1x4xi64>, tensor<1x?xi64, #loom.bounds<[1, 6]>>
  return %r0, %r1 : tensor<1x4x4x4xf64>, tensor<1x4x4xf64>
}
