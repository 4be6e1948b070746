// Golden case linear: made by scripts/goldens/make_op_goldens.py; values in linear.safetensors.
func.func @f(%a0: tensor<3x4xf64>, %a1: tensor<6x4xf64>) -> tensor<3x6xf64> {
  %r0 = loom.linear %a0, %a1 acc(f64) : tensor<3x4xf64>, tensor<6x4xf64>
  return %r0 : tensor<3x6xf64>
}
