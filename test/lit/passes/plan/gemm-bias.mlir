// RUN: loom-opt %s --split-input-file --loom-form-dispatches --loom-plan-memory --verify-diagnostics | FileCheck %s

/// A linear with a bias (what loom-fuse folds a broadcast bias row into on
/// cuda) is one GEMM call exactly where the target's GEMM library adds the
/// bias as an epilogue (passes/Fusion/TargetCapabilities.h): cuda's cuBLASLt,
/// not the cpu's OpenBLAS sgemm.

/// [Rule: on cuda an f32 linear with a bias is a loomrt.gemm whose bias
/// operand is a view of the bias row; no kernel is formed]
//       CHECK: module attributes {loom.target = "cuda"}
//   CHECK-NOT:   module @kernels
// CHECK-LABEL: loomrt.entry @bias_cuda
//   CHECK-DAG:   %[[X:.*]] = loomrt.view @activations[{{[0-9]+}}] : memref<4x8xf32>
//   CHECK-DAG:   %[[W:.*]] = loomrt.view @params[0] : memref<16x8xf32>
//   CHECK-DAG:   %[[B:.*]] = loomrt.view @params[512] : memref<16xf32>
//   CHECK-DAG:   %[[Y:.*]] = loomrt.view @activations[{{[0-9]+}}] : memref<4x16xf32>
//       CHECK:   loomrt.gemm %[[X]], %[[W]], %[[Y]] bias(%[[B]] : memref<16xf32>) trans_b alpha(1.000000e+00) beta(0.000000e+00)
//   CHECK-NOT:   loomrt.launch
//       CHECK:   loomrt.output "y" %[[Y]]
module attributes {loom.target = "cuda"} {
  func.func @bias_cuda(%x: tensor<4x8xf32> {loom.input = "x"},
                       %w: tensor<16x8xf32> {loom.param = "w", loom.init = "normal", loom.init_std = 0.02 : f64},
                       %b: tensor<16xf32> {loom.param = "b", loom.init = "zeros"})
      -> (tensor<4x16xf32> {loom.output = "y"}) {
    %y = loom.linear %x, %w bias(%b : tensor<16xf32>) acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
    return %y : tensor<4x16xf32>
  }
}

// -----

/// [Rule: on cuda the rows of a linear over [..., in] are one GEMM of their
/// product, with the same bias row]
// CHECK-LABEL: loomrt.entry @bias_cuda_3d
//       CHECK:   loomrt.gemm %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : memref<16xf32>) trans_b
//  CHECK-SAME:     : memref<8x8xf32>, memref<16x8xf32>, memref<8x16xf32>
module attributes {loom.target = "cuda"} {
  func.func @bias_cuda_3d(%x: tensor<2x4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>)
      -> tensor<2x4x16xf32> {
    %y = loom.linear %x, %w bias(%b : tensor<16xf32>) acc(f32) : tensor<2x4x8xf32>, tensor<16x8xf32>
    return %y : tensor<2x4x16xf32>
  }
}

// -----

/// [Rule: negative_ on cpu (OpenBLAS has no bias epilogue) a linear with a
/// bias is a generated kernel, as before targets had capability tables]
//       CHECK: module attributes {loom.target = "cpu"}
//  CHECK-NEXT:   loomrt.arena @activations
//  CHECK-NEXT:   module @kernels
//  CHECK-NEXT:     func.func @k0_linear
//  CHECK-NEXT:       loom.linear {{.*}} bias(
// CHECK-LABEL: loomrt.entry @negative_bias_cpu
//   CHECK-NOT:   loomrt.gemm
//       CHECK:   loomrt.launch @kernels::@k0_linear
module attributes {loom.target = "cpu"} {
  func.func @negative_bias_cpu(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>)
      -> tensor<4x16xf32> {
    %y = loom.linear %x, %w bias(%b : tensor<16xf32>) acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
    return %y : tensor<4x16xf32>
  }
}

// -----

/// [Rule: negative_ on cuda the bias epilogue is an f32 GEMM's: a linear
/// that accumulates in f64 stays a kernel, bias or not]
// CHECK-LABEL: loomrt.entry @negative_bias_cuda_f64
//   CHECK-NOT:   loomrt.gemm
//       CHECK:   loomrt.launch @kernels::@k0_linear
module attributes {loom.target = "cuda"} {
  func.func @negative_bias_cuda_f64(%x: tensor<4x8xf64>, %w: tensor<16x8xf64>, %b: tensor<16xf64>)
      -> tensor<4x16xf64> {
    %y = loom.linear %x, %w bias(%b : tensor<16xf64>) acc(f64) : tensor<4x8xf64>, tensor<16x8xf64>
    return %y : tensor<4x16xf64>
  }
}

// -----

/// [Rule: negative_ a module with no loom.target (a hand-written plan) is
/// planned with the cpu's table: the biased linear is a kernel]
// CHECK-LABEL: loomrt.entry @negative_bias_no_target
//   CHECK-NOT:   loomrt.gemm
//       CHECK:   loomrt.launch @kernels::@k0_linear
func.func @negative_bias_no_target(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>)
    -> tensor<4x16xf32> {
  %y = loom.linear %x, %w bias(%b : tensor<16xf32>) acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
  return %y : tensor<4x16xf32>
}
