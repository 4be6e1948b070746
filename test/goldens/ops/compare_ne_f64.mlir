// Golden case compare_ne_f64: made by scripts/goldens/make_op_goldens.py; values in compare_ne_f64.safetensors.
func.func @f(%a0: tensor<8xf64>, %a1: tensor<8xf64>) -> tensor<8xi1> {
  %r0 = loom.compare ne %a0, %a1 : tensor<8xf64>
  return %r0 : tensor<8xi1>
}
