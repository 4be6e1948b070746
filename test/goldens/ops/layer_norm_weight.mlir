// Golden case layer_norm_weight: made by scripts/goldens/make_op_goldens.py; values in layer_norm_weight.safetensors.
func.func @f(%a0: tensor<3x5xf64>, %a1: tensor<5xf64>) -> (tensor<3x5xf64>, tensor<3xf64>, tensor<3xf64>) {
  %r0, %r1, %r2 = loom.layer_norm %a0 weight(%a1 : tensor<5xf64>) {epsilon = 1.0e-05 : f64} : tensor<3x5xf64>
  return %r0, %r1, %r2 : tensor<3x5xf64>, tensor<3xf64>, tensor<3xf64>
}
