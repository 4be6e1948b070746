// Golden case compare_ge_i64: made by scripts/goldens/make_op_goldens.py; values in compare_ge_i64.safetensors.
func.func @f(%a0: tensor<2x3xi64>, %a1: tensor<2x3xi64>) -> tensor<2x3xi1> {
  %r0 = loom.compare ge %a0, %a1 : tensor<2x3xi64>
  return %r0 : tensor<2x3xi1>
}
