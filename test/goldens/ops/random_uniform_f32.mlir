// Golden case random_uniform_f32: made by scripts/goldens/make_op_goldens.py; values in random_uniform_f32.safetensors.
func.func @f(%a0: tensor<i64>) -> tensor<2x5xf32> {
  %r0 = loom.random_uniform %a0 : tensor<2x5xf32>
  return %r0 : tensor<2x5xf32>
}
