// Golden case cross_entropy_weights: made by scripts/goldens/make_op_goldens.py; values in cross_entropy_weights.safetensors.
func.func @f(%a0: tensor<6x5xf64>, %a1: tensor<6xi64>, %a2: tensor<6xf64>) -> tensor<6xf64> {
  %r0 = loom.cross_entropy %a0, %a1 weights(%a2 : tensor<6xf64>) acc(f64) : tensor<6x5xf64>, tensor<6xi64>
  return %r0 : tensor<6xf64>
}
