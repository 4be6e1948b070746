// GPU benchmark case (cases/bench_rms_norm): a fused RMSNorm with weight over 8192 rows of 2048
// f32 (64 MiB in, 64 MiB out): one row-reduction kernel, memory-bound, so its time is compared
// with a device-to-device copy of the same bytes.
func.func @f(%x: tensor<8192x2048xf32>, %w: tensor<2048xf32>) -> (tensor<8192x2048xf32>, tensor<8192xf32>) {
  %y, %rstd = loom.rms_norm %x weight(%w : tensor<2048xf32>) {epsilon = 1.0e-05 : f64} : tensor<8192x2048xf32>
  return %y, %rstd : tensor<8192x2048xf32>, tensor<8192xf32>
}
