// GPU benchmark case (tools/gpu/prepare.sh -> cases/bench_attention): causal self-attention with
// grouped-query heads at a training shape, B 4, S 1024, 16 query heads over 4 key/value heads,
// head dim 64, f32. Positions and the causal intervals [j, 2^40) are built in the function, so
// the check draws only q, k and v.
func.func @f(%q: tensor<4x1024x16x64xf32>, %k: tensor<4x1024x4x64xf32>, %v: tensor<4x1024x4x64xf32>) -> (tensor<4x1024x16x64xf32>, tensor<4x1024x16xf32>) {
  %pos = loom.iota dim 1 : tensor<4x1024xi64>
  %end = loom.constant dense<1099511627776> : tensor<4x1024xi64>
  %o, %lse = loom.attention %q, %k, %v query_positions(%pos) key_positions(%pos) visible(%pos, %end) : tensor<4x1024x16x64xf32>, tensor<4x1024x4x64xf32>, tensor<4x1024x4x64xf32>, tensor<4x1024xi64>, tensor<4x1024xi64>
  return %o, %lse : tensor<4x1024x16x64xf32>, tensor<4x1024x16xf32>
}
