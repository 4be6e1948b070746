// Golden case cast_f64_to_f32: made by scripts/goldens/make_op_goldens.py; values in cast_f64_to_f32.safetensors.
func.func @f(%a0: tensor<8xf64>) -> tensor<8xf32> {
  %r0 = loom.cast %a0 : tensor<8xf64> to tensor<8xf32>
  return %r0 : tensor<8xf32>
}
