// Golden case cast_i1_to_f64: made by scripts/goldens/make_op_goldens.py; values in cast_i1_to_f64.safetensors.
func.func @f(%a0: tensor<3xi1>) -> tensor<3xf64> {
  %r0 = loom.cast %a0 : tensor<3xi1> to tensor<3xf64>
  return %r0 : tensor<3xf64>
}
