// RUN: loom-opt %s --split-input-file --loom-plan-memory --verify-diagnostics | FileCheck %s

/// [Rule: a function becomes an entry: inputs and dispatch results get
/// activation buffers, a dispatch a launch over their views, the result an
/// output; the activations arena is the peak]
/// (Buffers start at multiples of 64 bytes.)
// CHECK: loomrt.arena @activations activations size(96) alignment(64)
// CHECK-LABEL: loomrt.entry @one_kernel attributes {loom.live_bytes = 64 : i64, loom.peak_bytes = 96 : i64, loom.tensor_bytes = 128 : i64}
//   CHECK-DAG:   %[[X:.*]] = loomrt.view @activations[0] : memref<8xf32>
//   CHECK-DAG:   %[[Y:.*]] = loomrt.view @activations[64] : memref<8xf32>
//       CHECK:   loomrt.input "x" %[[X]]
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[X]], %[[Y]])
//       CHECK:   loomrt.output "result0" %[[Y]]
//   CHECK-NOT: func.func @one_kernel
func.func @one_kernel(%x: tensor<8xf32> {loom.input = "x"}) -> tensor<8xf32> {
  %y = loomrt.dispatch @kernels::@k0(%x) : (tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}
module @kernels {
  func.func @k0(%a: tensor<8xf32>) -> tensor<8xf32> {
    %r = loom.unary exp %a : tensor<8xf32>
    return %r : tensor<8xf32>
  }
}

// -----

/// [Rule: a buffer whose value is dead is reused: in a chain x → a → b → c
/// of 1 KiB values, c takes a's place (largest first, lowest offset free
/// over its live range)]
// CHECK-LABEL: loomrt.entry @reuse attributes {loom.live_bytes = 2048 : i64, loom.peak_bytes = 2048 : i64, loom.tensor_bytes = 4096 : i64}
//   CHECK-DAG:   %[[V0:.*]] = loomrt.view @activations[0] : memref<256xf32>
//   CHECK-DAG:   %[[V1:.*]] = loomrt.view @activations[1024] : memref<256xf32>
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[V0]], %[[V1]])
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[V1]], %[[V0]])
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[V0]], %[[V1]])
func.func @reuse(%x: tensor<256xf32>) -> tensor<256xf32> {
  %a = loomrt.dispatch @kernels::@k0(%x) : (tensor<256xf32>) -> tensor<256xf32>
  %b = loomrt.dispatch @kernels::@k0(%a) : (tensor<256xf32>) -> tensor<256xf32>
  %c = loomrt.dispatch @kernels::@k0(%b) : (tensor<256xf32>) -> tensor<256xf32>
  return %c : tensor<256xf32>
}
module @kernels {
  func.func @k0(%a: tensor<256xf32>) -> tensor<256xf32> {
    %r = loom.unary exp %a : tensor<256xf32>
    return %r : tensor<256xf32>
  }
}

// -----

/// [Rule: reshapes and contiguous slices are views of their source's
/// buffer, at the slice's byte offset, and keep the source alive]
// CHECK-LABEL: loomrt.entry @views
//   CHECK-DAG:   %[[X:.*]] = loomrt.view @activations[0] : memref<4x8xf32>
//   CHECK-DAG:   %[[FLAT:.*]] = loomrt.view @activations[64] : memref<16xf32>
//       CHECK:   loomrt.input "arg0" %[[X]]
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[FLAT]], %{{.*}})
func.func @views(%x: tensor<4x8xf32>) -> tensor<16xf32> {
  %s = loom.slice %x offsets [2, 0] sizes [2, 8] strides [1, 1] : tensor<4x8xf32>
  %r = loom.reshape %s : tensor<2x8xf32> -> tensor<16xf32>
  %y = loomrt.dispatch @kernels::@k0(%r) : (tensor<16xf32>) -> tensor<16xf32>
  return %y : tensor<16xf32>
}
module @kernels {
  func.func @k0(%a: tensor<16xf32>) -> tensor<16xf32> {
    %r = loom.unary exp %a : tensor<16xf32>
    return %r : tensor<16xf32>
  }
}

// -----

/// [Rule: parameters are views of their arena at the table's offsets (in
/// elements there, in bytes here); the table becomes loomrt.parameter ops;
/// an f32 linear is one GEMM with B transposed, a batched matmul one GEMM per
/// batch at the batch's byte offsets]
// CHECK: loomrt.arena @params parameters size(576) alignment(64)
// CHECK: loomrt.parameter "w" in @params[0] : tensor<16x8xf32> init normal std 2.000000e-02
// CHECK: loomrt.parameter "g" in @params[512] : tensor<16xf32> init ones
// CHECK-LABEL: loomrt.entry @contractions
//   CHECK-DAG:   %[[W:.*]] = loomrt.view @params[0] : memref<16x8xf32>
//       CHECK:   loomrt.gemm %{{.*}}, %[[W]], %{{.*}} trans_b alpha(1.000000e+00) beta(0.000000e+00) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
//       CHECK:   loomrt.gemm {{.*}} : memref<4x8xf32>, memref<8x4xf32>, memref<4x4xf32>
//       CHECK:   loomrt.gemm {{.*}} : memref<4x8xf32>, memref<8x4xf32>, memref<4x4xf32>
module attributes {loom.parameter_table = [
    {arena = "params", init = "normal", init_std = 2.0e-02 : f64, name = "w", offset = 0 : i64, shape = array<i64: 16, 8>},
    {arena = "params", init = "ones", name = "g", offset = 128 : i64, shape = array<i64: 16>}]} {
  func.func @contractions(%w: tensor<16x8xf32> {loom.param = "w"}, %x: tensor<4x8xf32>,
                          %p: tensor<2x4x8xf32>, %q: tensor<2x8x4xf32>) -> (tensor<4x16xf32>, tensor<2x4x4xf32>) {
    %y = loom.linear %x, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
    %z = loom.matmul %p, %q acc(f32) : tensor<2x4x8xf32>, tensor<2x8x4xf32>
    return %y, %z : tensor<4x16xf32>, tensor<2x4x4xf32>
  }
}

// -----

/// [Rule: a result marked loom.arena = X is computed straight into arena X
/// when every read of the argument marked X comes before its op (here the
/// step reads "params" then writes it), and copied there at the end when a
/// later op still reads the old values]
// CHECK-LABEL: loomrt.entry @in_place
//   CHECK-DAG:   %[[P:.*]] = loomrt.view @params[0] : memref<64xf32>
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[P]], %[[T:.*]]) :
//       CHECK:   loomrt.launch @kernels::@k0 grid [1, 1, 1] (%[[T]], %[[P]]) :
//   CHECK-NOT:   loomrt.copy
// CHECK-LABEL: loomrt.entry @copied
//       CHECK:   loomrt.launch
//       CHECK:   loomrt.launch
//       CHECK:   loomrt.copy %{{.*}}, %{{.*}} : memref<64xf32>, memref<64xf32>
module {
  func.func @in_place(%p: tensor<64xf32> {loom.arena = "params"}) -> (tensor<64xf32> {loom.arena = "params"}) {
    %t = loomrt.dispatch @kernels::@k0(%p) : (tensor<64xf32>) -> tensor<64xf32>
    %n = loomrt.dispatch @kernels::@k0(%t) : (tensor<64xf32>) -> tensor<64xf32>
    return %n : tensor<64xf32>
  }
  func.func @copied(%p: tensor<64xf32> {loom.arena = "params"}) -> (tensor<64xf32> {loom.arena = "params"}, tensor<64xf32>) {
    %n = loomrt.dispatch @kernels::@k0(%p) : (tensor<64xf32>) -> tensor<64xf32>
    %old = loomrt.dispatch @kernels::@k0(%p) : (tensor<64xf32>) -> tensor<64xf32>
    return %n, %old : tensor<64xf32>, tensor<64xf32>
  }
  module @kernels {
    func.func @k0(%a: tensor<64xf32>) -> tensor<64xf32> {
      %r = loom.unary exp %a : tensor<64xf32>
      return %r : tensor<64xf32>
    }
  }
}

// -----

/// [Rule: a splat constant is a fill of its buffer]
// CHECK-LABEL: loomrt.entry @splat
//       CHECK:   loomrt.fill 1.000000e+00 : f32 into %{{.*}} : memref<4x8xf32>
//       CHECK:   loomrt.gemm
func.func @splat(%w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %s = loom.constant dense<1.0> : tensor<4x8xf32>
  %y = loom.linear %s, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
  return %y : tensor<4x16xf32>
}

// -----

/// [Rule: negative_ an op that should be a kernel was not outlined]
func.func @negative_not_outlined(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{loom-plan-memory: op is not planned: it should be a kernel (run loom-form-dispatches first)}}
  %y = loom.unary exp %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

/// [Rule: negative_ arenas have known names]
// expected-error @+1 {{loom-plan-memory: unknown arena 'scratch' (params, frozen, grads, adam_m, adam_v)}}
func.func @negative_arena(%x: tensor<8xf32> {loom.arena = "scratch"}) -> tensor<8xf32> {
  return %x : tensor<8xf32>
}

// -----

/// [Rule: negative_ a parameter argument must match the table]
// expected-error @+1 {{loom-plan-memory: parameter 'w' is 'tensor<8xf32>' in a function but 'tensor<4xf32>' in loom.parameter_table}}
module attributes {loom.parameter_table = [
    {arena = "params", init = "ones", name = "w", offset = 0 : i64, shape = array<i64: 4>}]} {
  func.func @negative_param_type(%w: tensor<8xf32> {loom.param = "w"}) -> tensor<8xf32> {
    return %w : tensor<8xf32>
  }
}

// -----

/// [Rule: negative_ a table row needs its fields]
// expected-error @+1 {{loom-plan-memory: loom.parameter_table row {name = "w"} lacks name, arena, offset or shape}}
module attributes {loom.parameter_table = [{name = "w"}]} {
}
