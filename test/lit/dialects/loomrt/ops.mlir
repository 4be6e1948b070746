// RUN: loom-opt %s | loom-opt | FileCheck %s
// RUN: loom-opt %s --mlir-print-op-generic | loom-opt | FileCheck %s

/// Every loomrt op round-trips in custom and generic form.

// CHECK: loomrt.arena @params parameters size(4096) alignment(64)
// CHECK: loomrt.arena @frozen frozen size(256) alignment(64)
// CHECK: loomrt.arena @activations activations size(65536) alignment(64)
// CHECK: loomrt.parameter "w" in @params[0] : tensor<16x8xf32> init normal std 2.000000e-02
// CHECK: loomrt.parameter "g" in @params[512] : tensor<8xf32> init ones
// CHECK: loomrt.parameter "e" in @frozen[0] : tensor<8xf32> init zeros frozen
loomrt.arena @params parameters size(4096) alignment(64)
loomrt.arena @frozen frozen size(256) alignment(64)
loomrt.arena @activations activations size(65536) alignment(64)
loomrt.parameter "w" in @params[0] : tensor<16x8xf32> init normal std 2.0e-02
loomrt.parameter "g" in @params[512] : tensor<8xf32> init ones
loomrt.parameter "e" in @frozen[0] : tensor<8xf32> init zeros frozen

// CHECK-LABEL: loomrt.entry @step
loomrt.entry @step {
  // CHECK: %[[X:.*]] = loomrt.view @activations[0] : memref<4x8xf32>
  %x = loomrt.view @activations[0] : memref<4x8xf32>
  %w = loomrt.view @params[0] : memref<16x8xf32>
  %y = loomrt.view @activations[128] : memref<4x16xf32>
  %z = loomrt.view @activations[384] : memref<4x16xf32>
  %flat = loomrt.view @activations[640] : memref<64xf32>
  %b = loomrt.view @params[512] : memref<16xf32>
  // CHECK: loomrt.input "x" %[[X]] : memref<4x8xf32>
  loomrt.input "x" %x : memref<4x8xf32>
  // CHECK: loomrt.gemm %{{.*}}, %{{.*}}, %{{.*}} trans_b alpha(1.000000e+00) beta(0.000000e+00)
  loomrt.gemm %x, %w, %y trans_b alpha(1.0) beta(0.0) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
  // A bias row (the epilogue of a biased linear on cuda): the fourth operand.
  // CHECK: loomrt.gemm %{{.*}}, %{{.*}}, %{{.*}} bias(%[[B:.*]] : memref<16xf32>) trans_b alpha(1.000000e+00) beta(1.000000e+00)
  loomrt.gemm %x, %w, %y bias(%b : memref<16xf32>) trans_b alpha(1.0) beta(1.0) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
  // CHECK: loomrt.launch @kernels::@k0 grid [1, 1, 1] (%{{.*}}, %{{.*}}) : memref<4x16xf32>, memref<4x16xf32>
  loomrt.launch @kernels::@k0 grid [1, 1, 1] (%y, %z) : memref<4x16xf32>, memref<4x16xf32>
  // CHECK: loomrt.copy %{{.*}}, %{{.*}} : memref<4x16xf32>, memref<64xf32>
  loomrt.copy %z, %flat : memref<4x16xf32>, memref<64xf32>
  // CHECK: loomrt.fill 0.000000e+00 : f32 into %{{.*}} : memref<4x16xf32>
  loomrt.fill 0.0 : f32 into %y : memref<4x16xf32>
  // CHECK: loomrt.output "z" %{{.*}} : memref<64xf32>
  loomrt.output "z" %flat : memref<64xf32>
}

// CHECK-LABEL: loomrt.entry @attend
loomrt.entry @attend {
  %q = loomrt.view @activations[0] : memref<1x8x2x4xf32>
  %k = loomrt.view @activations[256] : memref<1x8x1x4xf32>
  %v = loomrt.view @activations[384] : memref<1x8x1x4xf32>
  %p = loomrt.view @activations[512] : memref<1x8xi64>
  %lo = loomrt.view @activations[576] : memref<1x8xi64>
  %hi = loomrt.view @activations[640] : memref<1x8xi64>
  %o = loomrt.view @activations[768] : memref<1x8x2x4xf32>
  %l = loomrt.view @activations[1024] : memref<1x8x2xf32>
  %do = loomrt.view @activations[1088] : memref<1x8x2x4xf32>
  %dq = loomrt.view @activations[2048] : memref<1x8x2x4xf32>
  %dk = loomrt.view @activations[2304] : memref<1x8x1x4xf32>
  %dv = loomrt.view @activations[2432] : memref<1x8x1x4xf32>
  // CHECK: loomrt.attention {{.*}} scale(5.000000e-01)
  loomrt.attention %q, %k, %v, %p, %lo, %hi -> %o, %l scale(0.5)
      : memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>, memref<1x8xi64>,
        memref<1x8xi64>, memref<1x8xi64>, memref<1x8x2x4xf32>, memref<1x8x2xf32>
  // CHECK: loomrt.attention_grad {{.*}} scale(5.000000e-01)
  loomrt.attention_grad %q, %k, %v, %o, %l, %do, %p, %lo, %hi -> %dq, %dk, %dv scale(0.5)
      : memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>, memref<1x8x2x4xf32>,
        memref<1x8x2xf32>, memref<1x8x2x4xf32>, memref<1x8xi64>, memref<1x8xi64>,
        memref<1x8xi64>, memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>
}

// CHECK-LABEL: func.func @before_planning
// CHECK: loomrt.dispatch @kernels::@k0(%{{.*}}) : (tensor<4x16xf32>) -> tensor<4x16xf32>
func.func @before_planning(%a: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = loomrt.dispatch @kernels::@k0(%a) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

module @kernels {
  func.func @k0(%a: tensor<4x16xf32>) -> tensor<4x16xf32> {
    %r = loom.unary exp %a : tensor<4x16xf32>
    return %r : tensor<4x16xf32>
  }
}
