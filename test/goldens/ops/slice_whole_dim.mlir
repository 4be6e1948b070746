// Golden case slice_whole_dim: made by scripts/goldens/make_op_goldens.py; values in slice_whole_dim.safetensors.
func.func @f(%a0: tensor<3x7xf64>) -> tensor<3x2xf64> {
  %r0 = loom.slice %a0 offsets [0, 2] sizes [-1, 2] strides [1, 4] : tensor<3x7xf64>
  return %r0 : tensor<3x2xf64>
}
