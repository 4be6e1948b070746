// Golden case cast_f32_to_f64: made by scripts/goldens/make_op_goldens.py; values in cast_f32_to_f64.safetensors.
func.func @f(%a0: tensor<4xf32>) -> tensor<4xf64> {
  %r0 = loom.cast %a0 : tensor<4xf32> to tensor<4xf64>
  return %r0 : tensor<4xf64>
}
