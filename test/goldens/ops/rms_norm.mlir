// Golden case rms_norm: made by scripts/goldens/make_op_goldens.py; values in rms_norm.safetensors.
func.func @f(%a0: tensor<4x6xf64>) -> (tensor<4x6xf64>, tensor<4xf64>) {
  %r0, %r1 = loom.rms_norm %a0 {epsilon = 1.0e-06 : f64} : tensor<4x6xf64>
  return %r0, %r1 : tensor<4x6xf64>, tensor<4xf64>
}
