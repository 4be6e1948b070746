// Golden case random_fold_in: made by scripts/goldens/make_op_goldens.py; values in random_fold_in.safetensors.
func.func @f(%a0: tensor<i64>, %a1: tensor<i64>) -> tensor<i64> {
  %r0 = loom.random_fold_in %a0, %a1 : tensor<i64>
  return %r0 : tensor<i64>
}
