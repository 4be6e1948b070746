// Golden case bounded_softmax: made by scripts/goldens/make_op_goldens.py; values in bounded_softmax.safetensors.
func.func @f(%a0: tensor<2x?xf64, #loom.bounds<[2, 6]>>) -> tensor<2x?xf64, #loom.bounds<[2, 6]>> {
  %r0 = loom.softmax %a0 dim 1 acc(f64) : tensor<2x?xf64, #loom.bounds<[2, 6]>>
  return %r0 : tensor<2x?xf64, #loom.bounds<[2, 6]>>
}
