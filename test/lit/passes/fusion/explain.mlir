// RUN: loom-opt %s --loom-fuse="explain=true" -o /dev/null 2>&1 | FileCheck %s

/// [Rule: every decision is explained, as a remark at its op]
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: starts group 0
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: joins group 0: an elementwise chain on 4x8 in group 0
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: not grouped: a contraction: a OpenBLAS sgemm call, or its own kernel when the library cannot
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: starts group 1
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: joins group 1: a row reduction closes group 1's elementwise chain on 4x8
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: does not join group 1: group 1 ends with a row reduction (no epilogue after a reduction in this version)
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: starts group 2
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: not grouped: a layout change: a view, or a copy kernel of its own
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: not grouped: data-dependent addressing (gather, scatter, sort)
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: not grouped: reduces leading dims (rows are not independent)
// CHECK: explain.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: fusion: not grouped: attention: the runtime's attention kernel
module attributes {loom.target = "cpu"} {
  func.func @explained(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>, %i: tensor<2xi64>,
                       %q: tensor<1x4x2x4xf32>, %p: tensor<1x4xi64>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<32xf32>, tensor<2x8xf32>, tensor<8xf32>, tensor<1x4x2x4xf32>) {
    %a = loom.unary exp %x : tensor<4x8xf32>
    %b = loom.unary tanh %a : tensor<4x8xf32>
    %l = loom.linear %b, %w acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
    %c = loom.binary mul %l, %l : tensor<4x8xf32>
    %s = loom.reduce sum %c dims [1] acc(f32) : tensor<4x8xf32>
    %e = loom.unary exp %s : tensor<4xf32>
    %r = loom.reshape %x : tensor<4x8xf32> -> tensor<32xf32>
    %g = loom.gather %x[%i] axis 0 : tensor<4x8xf32>, tensor<2xi64>
    %cs = loom.reduce sum %x dims [0] acc(f32) : tensor<4x8xf32>
    %o, %lse = loom.attention %q, %q, %q query_positions(%p) key_positions(%p) visible(%p, %p) : tensor<1x4x2x4xf32>, tensor<1x4x2x4xf32>, tensor<1x4x2x4xf32>, tensor<1x4xi64>, tensor<1x4xi64>
    return %l, %e, %r, %g, %cs, %o : tensor<4x8xf32>, tensor<4xf32>, tensor<32xf32>, tensor<2x8xf32>, tensor<8xf32>, tensor<1x4x2x4xf32>
  }
}
