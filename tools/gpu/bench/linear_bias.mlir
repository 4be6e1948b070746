// GPU benchmark case (cases/bench_linear_bias): a linear layer with a bias row, x [8, 512, 1024]
// times W [4096, 1024]^T plus b [4096], f32: one cuBLASLt GEMM (m 4096, n 4096, k 1024) whose
// BIAS epilogue adds the row; checks the epilogue on the device and times it.
func.func @f(%x: tensor<8x512x1024xf32>, %w: tensor<4096x1024xf32>, %b: tensor<4096xf32>) -> tensor<8x512x4096xf32> {
  %y = loom.linear %x, %w bias(%b : tensor<4096xf32>) acc(f32) : tensor<8x512x1024xf32>, tensor<4096x1024xf32>
  return %y : tensor<8x512x4096xf32>
}
