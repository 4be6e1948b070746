// Golden case layer_norm_weight_bias: made by scripts/goldens/make_op_goldens.py; values in layer_norm_weight_bias.safetensors.
func.func @f(%a0: tensor<2x3x8xf64>, %a1: tensor<8xf64>, %a2: tensor<8xf64>) -> (tensor<2x3x8xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %r0, %r1, %r2 = loom.layer_norm %a0 weight(%a1 : tensor<8xf64>) bias(%a2 : tensor<8xf64>) {epsilon = 1.0e-05 : f64} : tensor<2x3x8xf64>
  return %r0, %r1, %r2 : tensor<2x3x8xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}
