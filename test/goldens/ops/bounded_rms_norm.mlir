// Golden case bounded_rms_norm: made by scripts/goldens/make_op_goldens.py; values in bounded_rms_norm.safetensors.
func.func @f(%a0: tensor<?x4xf64, #loom.bounds<[5, 4]>>, %a1: tensor<4xf64>) -> (tensor<?x4xf64, #loom.bounds<[5, 4]>>, tensor<?xf64, #loom.bounds<[5]>>) {
  %r0, %r1 = loom.rms_norm %a0 weight(%a1 : tensor<4xf64>) {epsilon = 1.0e-05 : f64} : tensor<?x4xf64, #loom.bounds<[5, 4]>>
  return %r0, %r1 : tensor<?x4xf64, #loom.bounds<[5, 4]>>, tensor<?xf64, #loom.bounds<[5]>>
}
