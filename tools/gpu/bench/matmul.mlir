// GPU benchmark case (cases/bench_matmul): a 4096 x 4096 x 4096 f32 GEMM (cuBLASLt, f32
// compute: no TF32), compute-bound; the table gives its TFLOP/s.
func.func @f(%a: tensor<4096x4096xf32>, %b: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %c = loom.matmul %a, %b acc(f32) : tensor<4096x4096xf32>, tensor<4096x4096xf32>
  return %c : tensor<4096x4096xf32>
}
