// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of the norm family (rms_norm, layer_norm, rope) in custom and
/// generic form. Returned values pin down the inferred result types: the
/// statistics are f32, or f64 for f64 input.

/// rms_norm without and with a weight.
// CHECK-LABEL: func.func @rms_norm
//  CHECK-SAME: (%[[X:.*]]: tensor<2x64x64xf32>, %[[W:.*]]: tensor<64xf32>)
//       CHECK: %[[Y:.*]], %[[R:.*]] = loom.rms_norm %[[X]] {epsilon = 1.000000e-05 : f64} : tensor<2x64x64xf32>
//       CHECK: %[[YW:.*]], %[[RW:.*]] = loom.rms_norm %[[X]] weight(%[[W]] : tensor<64xf32>) {epsilon = 0.000000e+00 : f64} : tensor<2x64x64xf32>
//       CHECK: return %[[Y]], %[[R]], %[[YW]] : tensor<2x64x64xf32>, tensor<2x64xf32>, tensor<2x64x64xf32>
func.func @rms_norm(%x: tensor<2x64x64xf32>, %w: tensor<64xf32>)
    -> (tensor<2x64x64xf32>, tensor<2x64xf32>, tensor<2x64x64xf32>) {
  %y, %rstd = loom.rms_norm %x {epsilon = 1.0e-05 : f64} : tensor<2x64x64xf32>
  %yw, %rw = loom.rms_norm %x weight(%w : tensor<64xf32>) {epsilon = 0.0 : f64} : tensor<2x64x64xf32>
  return %y, %rstd, %yw : tensor<2x64x64xf32>, tensor<2x64xf32>, tensor<2x64x64xf32>
}

// -----

/// Every float type: bf16 and f16 keep f32 statistics, f64 gets f64.
// CHECK-LABEL: func.func @rms_norm_element_types
//       CHECK: %{{.*}}, %[[RB:.*]] = loom.rms_norm %{{.*}} weight(%{{.*}} : tensor<8xbf16>) {epsilon = {{.*}} : f64} : tensor<4x8xbf16>
//       CHECK: %{{.*}}, %[[RH:.*]] = loom.rms_norm %{{.*}} weight(%{{.*}} : tensor<8xf16>) {epsilon = {{.*}} : f64} : tensor<4x8xf16>
//       CHECK: %{{.*}}, %[[RD:.*]] = loom.rms_norm %{{.*}} {epsilon = {{.*}} : f64} : tensor<8xf64>
//       CHECK: return %[[RB]], %[[RH]], %[[RD]] : tensor<4xf32>, tensor<4xf32>, tensor<f64>
func.func @rms_norm_element_types(%b: tensor<4x8xbf16>, %wb: tensor<8xbf16>, %h: tensor<4x8xf16>,
                                  %wh: tensor<8xf16>, %d: tensor<8xf64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<f64>) {
  %0:2 = loom.rms_norm %b weight(%wb : tensor<8xbf16>) {epsilon = 1.0e-06 : f64} : tensor<4x8xbf16>
  %1:2 = loom.rms_norm %h weight(%wh : tensor<8xf16>) {epsilon = 1.0e-06 : f64} : tensor<4x8xf16>
  %2:2 = loom.rms_norm %d {epsilon = 1.0e-06 : f64} : tensor<8xf64>
  return %0#1, %1#1, %2#1 : tensor<4xf32>, tensor<4xf32>, tensor<f64>
}

// -----

/// Bounded rows: the statistics keep the bound.
// CHECK-LABEL: func.func @rms_norm_bounded
//       CHECK: %[[Y:.*]], %[[R:.*]] = loom.rms_norm %{{.*}} weight(%{{.*}} : tensor<64xbf16>) {epsilon = 1.000000e-05 : f64} : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
//       CHECK: return %[[Y]], %[[R]] : tensor<?x64xbf16, #loom.bounds<[512, 64]>>, tensor<?xf32, #loom.bounds<[512]>>
func.func @rms_norm_bounded(%x: tensor<?x64xbf16, #loom.bounds<[512, 64]>>, %w: tensor<64xbf16>)
    -> (tensor<?x64xbf16, #loom.bounds<[512, 64]>>, tensor<?xf32, #loom.bounds<[512]>>) {
  %y, %r = loom.rms_norm %x weight(%w : tensor<64xbf16>) {epsilon = 1.0e-05 : f64} : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
  return %y, %r : tensor<?x64xbf16, #loom.bounds<[512, 64]>>, tensor<?xf32, #loom.bounds<[512]>>
}

// -----

/// layer_norm with no affine operand, a weight, a bias, and both.
// CHECK-LABEL: func.func @layer_norm
//  CHECK-SAME: (%[[X:.*]]: tensor<2x16x64xf32>, %[[W:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>)
//       CHECK: %[[Y:.*]], %[[M:.*]], %[[R:.*]] = loom.layer_norm %[[X]] {epsilon = {{.*}} : f64} : tensor<2x16x64xf32>
//       CHECK: loom.layer_norm %[[X]] weight(%[[W]] : tensor<64xf32>) {epsilon = {{.*}} : f64} : tensor<2x16x64xf32>
//       CHECK: loom.layer_norm %[[X]] bias(%[[B]] : tensor<64xf32>) {epsilon = {{.*}} : f64} : tensor<2x16x64xf32>
//       CHECK: loom.layer_norm %[[X]] weight(%[[W]] : tensor<64xf32>) bias(%[[B]] : tensor<64xf32>) {epsilon = {{.*}} : f64} : tensor<2x16x64xf32>
//       CHECK: return %[[Y]], %[[M]], %[[R]] : tensor<2x16x64xf32>, tensor<2x16xf32>, tensor<2x16xf32>
func.func @layer_norm(%x: tensor<2x16x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>)
    -> (tensor<2x16x64xf32>, tensor<2x16xf32>, tensor<2x16xf32>) {
  %y, %mean, %rstd = loom.layer_norm %x {epsilon = 1.0e-06 : f64} : tensor<2x16x64xf32>
  %0:3 = loom.layer_norm %x weight(%w : tensor<64xf32>) {epsilon = 1.0e-06 : f64} : tensor<2x16x64xf32>
  %1:3 = loom.layer_norm %x bias(%b : tensor<64xf32>) {epsilon = 1.0e-06 : f64} : tensor<2x16x64xf32>
  %2:3 = loom.layer_norm %x weight(%w : tensor<64xf32>) bias(%b : tensor<64xf32>) {epsilon = 1.0e-06 : f64}
      : tensor<2x16x64xf32>
  return %y, %mean, %rstd : tensor<2x16x64xf32>, tensor<2x16xf32>, tensor<2x16xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm_element_types
//       CHECK: %{{.*}}, %[[MB:.*]], %{{.*}} = loom.layer_norm %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<4x8xbf16>
//       CHECK: %{{.*}}, %[[MH:.*]], %{{.*}} = loom.layer_norm %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<4x8xf16>
//       CHECK: %{{.*}}, %[[MD:.*]], %[[RD:.*]] = loom.layer_norm %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<4x8xf64>
//       CHECK: return %[[MB]], %[[MH]], %[[MD]], %[[RD]] : tensor<4xf32>, tensor<4xf32>, tensor<4xf64>, tensor<4xf64>
func.func @layer_norm_element_types(%b: tensor<4x8xbf16>, %h: tensor<4x8xf16>, %d: tensor<4x8xf64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf64>, tensor<4xf64>) {
  %0:3 = loom.layer_norm %b {epsilon = 1.0e-05 : f64} : tensor<4x8xbf16>
  %1:3 = loom.layer_norm %h {epsilon = 1.0e-05 : f64} : tensor<4x8xf16>
  %2:3 = loom.layer_norm %d {epsilon = 1.0e-05 : f64} : tensor<4x8xf64>
  return %0#1, %1#1, %2#1, %2#2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf64>, tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @layer_norm_bounded
//       CHECK: %[[Y:.*]], %[[M:.*]], %[[R:.*]] = loom.layer_norm %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<2x?x64xf32, #loom.bounds<[2, 128, 64]>>
//       CHECK: return %[[Y]], %[[M]], %[[R]] : tensor<2x?x64xf32, #loom.bounds<[2, 128, 64]>>, tensor<2x?xf32, #loom.bounds<[2, 128]>>, tensor<2x?xf32, #loom.bounds<[2, 128]>>
func.func @layer_norm_bounded(%x: tensor<2x?x64xf32, #loom.bounds<[2, 128, 64]>>)
    -> (tensor<2x?x64xf32, #loom.bounds<[2, 128, 64]>>, tensor<2x?xf32, #loom.bounds<[2, 128]>>, tensor<2x?xf32, #loom.bounds<[2, 128]>>) {
  %y, %m, %r = loom.layer_norm %x {epsilon = 1.0e-05 : f64} : tensor<2x?x64xf32, #loom.bounds<[2, 128, 64]>>
  return %y, %m, %r : tensor<2x?x64xf32, #loom.bounds<[2, 128, 64]>>, tensor<2x?xf32, #loom.bounds<[2, 128]>>, tensor<2x?xf32, #loom.bounds<[2, 128]>>
}

// -----

/// Both rope layouts, with i64 and i32 positions.
// CHECK-LABEL: func.func @rope_layouts
//  CHECK-SAME: (%[[Q:.*]]: tensor<2x64x4x16xf32>, %[[P:.*]]: tensor<2x64xi64>, %[[P32:.*]]: tensor<2x64xi32>)
//       CHECK: %[[H:.*]] = loom.rope %[[Q]] positions(%[[P]] : tensor<2x64xi64>) layout(half_split) {theta = 1.000000e+04 : f64} : tensor<2x64x4x16xf32>
//       CHECK: %[[I:.*]] = loom.rope %[[Q]] positions(%[[P32]] : tensor<2x64xi32>) layout(interleaved) {theta = 5.000000e+05 : f64} : tensor<2x64x4x16xf32>
//       CHECK: return %[[H]], %[[I]] : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>
func.func @rope_layouts(%q: tensor<2x64x4x16xf32>, %pos: tensor<2x64xi64>, %pos32: tensor<2x64xi32>)
    -> (tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>) {
  %0 = loom.rope %q positions(%pos : tensor<2x64xi64>) layout(half_split) {theta = 1.0e+04 : f64}
      : tensor<2x64x4x16xf32>
  %1 = loom.rope %q positions(%pos32 : tensor<2x64xi32>) layout(interleaved) {theta = 5.0e+05 : f64}
      : tensor<2x64x4x16xf32>
  return %0, %1 : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>
}

// -----

// CHECK-LABEL: func.func @rope_element_types
//       CHECK: loom.rope %{{.*}} positions(%{{.*}} : tensor<1x8xi64>) layout(interleaved) {theta = 1.000000e+04 : f64} : tensor<1x8x2x4xbf16>
//       CHECK: loom.rope %{{.*}} positions(%{{.*}} : tensor<1x8xi64>) layout(interleaved) {theta = 1.000000e+04 : f64} : tensor<1x8x2x4xf16>
//       CHECK: loom.rope %{{.*}} positions(%{{.*}} : tensor<1x8xi64>) layout(half_split) {theta = 1.000000e+04 : f64} : tensor<1x8x2x4xf64>
func.func @rope_element_types(%b: tensor<1x8x2x4xbf16>, %h: tensor<1x8x2x4xf16>, %d: tensor<1x8x2x4xf64>,
                              %pos: tensor<1x8xi64>) {
  %0 = loom.rope %b positions(%pos : tensor<1x8xi64>) layout(interleaved) {theta = 1.0e+04 : f64} : tensor<1x8x2x4xbf16>
  %1 = loom.rope %h positions(%pos : tensor<1x8xi64>) layout(interleaved) {theta = 1.0e+04 : f64} : tensor<1x8x2x4xf16>
  %2 = loom.rope %d positions(%pos : tensor<1x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<1x8x2x4xf64>
  return
}

// -----

/// A bounded sequence: the positions share the bound, the head dim is static.
// CHECK-LABEL: func.func @rope_bounded
//       CHECK: %[[R:.*]] = loom.rope %{{.*}} positions(%{{.*}} : tensor<2x?xi64, #loom.bounds<[2, 512]>>) layout(half_split) {theta = 1.000000e+04 : f64} : tensor<2x?x4x16xbf16, #loom.bounds<[2, 512, 4, 16]>>
//       CHECK: return %[[R]] : tensor<2x?x4x16xbf16, #loom.bounds<[2, 512, 4, 16]>>
func.func @rope_bounded(%q: tensor<2x?x4x16xbf16, #loom.bounds<[2, 512, 4, 16]>>, %pos: tensor<2x?xi64, #loom.bounds<[2, 512]>>)
    -> tensor<2x?x4x16xbf16, #loom.bounds<[2, 512, 4, 16]>> {
  %0 = loom.rope %q positions(%pos : tensor<2x?xi64, #loom.bounds<[2, 512]>>) layout(half_split) {theta = 1.0e+04 : f64}
      : tensor<2x?x4x16xbf16, #loom.bounds<[2, 512, 4, 16]>>
  return %0 : tensor<2x?x4x16xbf16, #loom.bounds<[2, 512, 4, 16]>>
}

// -----

/// Norm VJP ops read the forward statistics.
// CHECK-LABEL: func.func @norm_grads
//       CHECK: loom.rms_norm_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x8x64xbf16>, tensor<2x8xf32>
//       CHECK: loom.layer_norm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x8x64xf64>, tensor<2x8xf64>
func.func @norm_grads(%x: tensor<2x8x64xbf16>, %r: tensor<2x8xf32>, %g: tensor<2x8x64xbf16>,
                      %x2: tensor<2x8x64xf64>, %m2: tensor<2x8xf64>, %r2: tensor<2x8xf64>, %g2: tensor<2x8x64xf64>)
    -> (tensor<2x8x64xbf16>, tensor<2x8x64xf64>) {
  %dx = loom.rms_norm_grad %x, %r, %g : tensor<2x8x64xbf16>, tensor<2x8xf32>
  %dx2 = loom.layer_norm_grad %x2, %m2, %r2, %g2 : tensor<2x8x64xf64>, tensor<2x8xf64>
  return %dx, %dx2 : tensor<2x8x64xbf16>, tensor<2x8x64xf64>
}
