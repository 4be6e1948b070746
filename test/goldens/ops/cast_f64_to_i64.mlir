// Golden case cast_f64_to_i64: made by scripts/goldens/make_op_goldens.py; values in cast_f64_to_i64.safetensors.
func.func @f(%a0: tensor<12xf64>) -> tensor<12xi64> {
  %r0 = loom.cast %a0 : tensor<12xf64> to tensor<12xi64>
  return %r0 : tensor<12xi64>
}
