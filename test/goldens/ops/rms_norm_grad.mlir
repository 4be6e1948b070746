// Golden case rms_norm_grad: made by scripts/goldens/make_op_goldens.py; values in rms_norm_grad.safetensors.
func.func @f(%a0: tensor<2x3x8xf64>, %a1: tensor<2x3xf64>, %a2: tensor<2x3x8xf64>) -> tensor<2x3x8xf64> {
  %r0 = loom.rms_norm_grad %a0, %a1, %a2 : tensor<2x3x8xf64>, tensor<2x3xf64>
  return %r0 : tensor<2x3x8xf64>
}
