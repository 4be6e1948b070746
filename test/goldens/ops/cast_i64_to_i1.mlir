// Golden case cast_i64_to_i1: made by scripts/goldens/make_op_goldens.py; values in cast_i64_to_i1.safetensors.
func.func @f(%a0: tensor<6xi64>) -> tensor<6xi1> {
  %r0 = loom.cast %a0 : tensor<6xi64> to tensor<6xi1>
  return %r0 : tensor<6xi1>
}
