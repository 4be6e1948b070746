// Golden case floor_mod_i64: made by scripts/goldens/make_op_goldens.py; values in floor_mod_i64.safetensors.
func.func @f(%a0: tensor<2x6xi64>, %a1: tensor<2x6xi64>) -> tensor<2x6xi64> {
  %r0 = loom.floor_mod %a0, %a1 : tensor<2x6xi64>
  return %r0 : tensor<2x6xi64>
}
