// RUN: loom-opt %s --split-input-file --loom-fuse | FileCheck %s
// RUN: loom-opt %s --split-input-file --loom-fuse="explain=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK

// REMARK: remark: fusion: folded into the linear: the bias row becomes a cuBLASLt epilogue
// REMARK: remark: fusion: not folded into the linear: OpenBLAS sgemm applies no bias epilogue on cpu

/// [Rule: on cuda (cuBLASLt has a bias epilogue) a broadcast bias row added
/// to an f32 linear becomes the linear's bias]
// CHECK-LABEL: func.func @bias_cuda
//       CHECK:   %[[L:.*]] = loom.linear %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<16xf32>) acc(f32)
//       CHECK:   return %[[L]]
module attributes {loom.target = "cuda"} {
  func.func @bias_cuda(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
    %l = loom.linear %x, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
    %bb = loom.broadcast %b dims [1] : tensor<16xf32> -> tensor<4x16xf32>
    %y = loom.binary add %l, %bb : tensor<4x16xf32>
    return %y : tensor<4x16xf32>
  }
}

// -----

/// [Rule: negative_ on cpu (OpenBLAS sgemm has no epilogue) the addition
/// stays; the remark says why]
// CHECK-LABEL: func.func @negative_bias_cpu
//       CHECK:   loom.linear %{{.*}}, %{{.*}} acc(f32)
//       CHECK:   loom.binary add
module attributes {loom.target = "cpu"} {
  func.func @negative_bias_cpu(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
    %l = loom.linear %x, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
    %bb = loom.broadcast %b dims [1] : tensor<16xf32> -> tensor<4x16xf32>
    %y = loom.binary add %l, %bb : tensor<4x16xf32>
    return %y : tensor<4x16xf32>
  }
}
