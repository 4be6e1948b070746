// A small model after the autodiff phase: y = silu(x·Wᵀ + b), the bias row a
// broadcast added to the linear's result (as a builder writes it). On cuda
// loom-fuse folds the row into the linear (cuBLASLt's bias epilogue) and the
// plan makes it one biased GEMM; on cpu the addition joins the silu kernel.
func.func @forward(%x: tensor<4x8xf32> {loom.input = "x"},
                   %w: tensor<16x8xf32> {loom.param = "w", loom.init = "normal", loom.init_std = 0.02 : f64},
                   %b: tensor<16xf32> {loom.param = "b", loom.init = "zeros"})
    -> (tensor<4x16xf32> {loom.output = "y"}) {
  %l = loom.linear %x, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
  %bb = loom.broadcast %b dims [1] : tensor<16xf32> -> tensor<4x16xf32>
  %h = loom.binary add %l, %bb : tensor<4x16xf32>
  %y = loom.unary silu %h : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
