// Golden case slice_strided: made by scripts/goldens/make_op_goldens.py; values in slice_strided.safetensors.
func.func @f(%a0: tensor<5x7xf64>) -> tensor<2x3xf64> {
  %r0 = loom.slice %a0 offsets [1, 0] sizes [2, 3] strides [2, 3] : tensor<5x7xf64>
  return %r0 : tensor<2x3xf64>
}
