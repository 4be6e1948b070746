// Golden case cast_i64_to_f64: made by scripts/goldens/make_op_goldens.py; values in cast_i64_to_f64.safetensors.
func.func @f(%a0: tensor<6xi64>) -> tensor<6xf64> {
  %r0 = loom.cast %a0 : tensor<6xi64> to tensor<6xf64>
  return %r0 : tensor<6xf64>
}
