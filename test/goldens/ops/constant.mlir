// Golden case constant: made by scripts/goldens/make_op_goldens.py; values in constant.safetensors.
func.func @f() -> tensor<2x3xf64> {
  %r0 = loom.constant dense<[[1.5, -2.0, 0.1], [0.25, 3.0, -1.0e-03]]> : tensor<2x3xf64>
  return %r0 : tensor<2x3xf64>
}
