// Golden case linear_bias: made by scripts/goldens/make_op_goldens.py; values in linear_bias.safetensors.
func.func @f(%a0: tensor<2x3x4xf64>, %a1: tensor<5x4xf64>, %a2: tensor<5xf64>) -> tensor<2x3x5xf64> {
  %r0 = loom.linear %a0, %a1 bias(%a2 : tensor<5xf64>) acc(f64) : tensor<2x3x4xf64>, tensor<5x4xf64>
  return %r0 : tensor<2x3x5xf64>
}
