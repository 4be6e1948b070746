// Golden case floor_mod_f64: made by scripts/goldens/make_op_goldens.py; values in floor_mod_f64.safetensors.
func.func @f(%a0: tensor<3x4xf64>, %a1: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %r0 = loom.floor_mod %a0, %a1 : tensor<3x4xf64>
  return %r0 : tensor<3x4xf64>
}
