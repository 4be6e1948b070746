// Golden case cross_entropy_i32_targets: made by scripts/goldens/make_op_goldens.py; values in cross_entropy_i32_targets.safetensors.
func.func @f(%a0: tensor<4x5xf64>, %a1: tensor<4xi32>) -> tensor<4xf64> {
  %r0 = loom.cross_entropy %a0, %a1 acc(f64) : tensor<4x5xf64>, tensor<4xi32>
  return %r0 : tensor<4xf64>
}
