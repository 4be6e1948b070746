// Golden case sort_nan: made by scripts/goldens/make_op_goldens.py; values in sort_nan.safetensors.
func.func @f(%a0: tensor<5xf64>) -> (tensor<5xf64>, tensor<5xi64>) {
  %r0, %r1 = loom.sort %a0 dim 0 : tensor<5xf64>
  return %r0, %r1 : tensor<5xf64>, tensor<5xi64>
}
