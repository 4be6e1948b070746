// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of loom.attention in custom and generic form. Masks are data:
/// each key carries the interval [lo, hi) of query positions that see it.
/// Returned values pin down the inferred types of the output [B, Sq, Hq, Dv]
/// and the log-sum-exp [B, Sq, Hq] (f32, or f64 for f64 input).

/// Causal: key j is visible to queries at positions [p_j, ∞), built with
/// integer ops as a builder would.
// CHECK-LABEL: func.func @attention_causal
//  CHECK-SAME: (%[[Q:.*]]: tensor<2x64x4x16xf32>, %[[K:.*]]: tensor<2x64x4x16xf32>, %[[V:.*]]: tensor<2x64x4x16xf32>, %[[P:.*]]: tensor<2x64xi64>)
//       CHECK: %[[INF:.*]] = loom.constant dense<9223372036854775807> : tensor<2x64xi64>
//       CHECK: %[[O:.*]], %[[LSE:.*]] = loom.attention %[[Q]], %[[K]], %[[V]] query_positions(%[[P]]) key_positions(%[[P]]) visible(%[[P]], %[[INF]]) : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
//       CHECK: return %[[O]], %[[LSE]] : tensor<2x64x4x16xf32>, tensor<2x64x4xf32>
func.func @attention_causal(%q: tensor<2x64x4x16xf32>, %k: tensor<2x64x4x16xf32>, %v: tensor<2x64x4x16xf32>,
                            %pos: tensor<2x64xi64>) -> (tensor<2x64x4x16xf32>, tensor<2x64x4xf32>) {
  %inf = loom.constant dense<9223372036854775807> : tensor<2x64xi64>
  %o, %lse = loom.attention %q, %k, %v query_positions(%pos) key_positions(%pos) visible(%pos, %inf)
      : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return %o, %lse : tensor<2x64x4x16xf32>, tensor<2x64x4xf32>
}

// -----

/// Document-causal with a window W = 16: [p_j, min(p_j + W, doc_end)).
/// Grouped-query heads (8 query heads over 2 kv heads) in bf16.
// CHECK-LABEL: func.func @attention_windowed_gqa
//       CHECK: %[[END:.*]] = loom.binary add %{{.*}}, %{{.*}} : tensor<1x32xi64>
//       CHECK: %[[HI:.*]] = loom.binary min %[[END]], %{{.*}} : tensor<1x32xi64>
//       CHECK: %[[O:.*]], %[[LSE:.*]] = loom.attention %{{.*}}, %{{.*}}, %{{.*}} query_positions(%{{.*}}) key_positions(%[[KP:.*]]) visible(%[[KP]], %[[HI]]) : tensor<1x32x8x16xbf16>, tensor<1x32x2x16xbf16>, tensor<1x32x2x16xbf16>, tensor<1x32xi64>, tensor<1x32xi64>
//       CHECK: return %[[O]], %[[LSE]] : tensor<1x32x8x16xbf16>, tensor<1x32x8xf32>
func.func @attention_windowed_gqa(%q: tensor<1x32x8x16xbf16>, %k: tensor<1x32x2x16xbf16>, %v: tensor<1x32x2x16xbf16>,
                                  %pos: tensor<1x32xi64>, %doc_end: tensor<1x32xi64>)
    -> (tensor<1x32x8x16xbf16>, tensor<1x32x8xf32>) {
  %w = loom.constant dense<16> : tensor<1x32xi64>
  %end = loom.binary add %pos, %w : tensor<1x32xi64>
  %hi = loom.binary min %end, %doc_end : tensor<1x32xi64>
  %o, %lse = loom.attention %q, %k, %v query_positions(%pos) key_positions(%pos) visible(%pos, %hi)
      : tensor<1x32x8x16xbf16>, tensor<1x32x2x16xbf16>, tensor<1x32x2x16xbf16>, tensor<1x32xi64>, tensor<1x32xi64>
  return %o, %lse : tensor<1x32x8x16xbf16>, tensor<1x32x8xf32>
}

// -----

/// An explicit scale; queries and keys of different lengths (cross-attention);
/// a value head dim Dv other than D; i32 positions.
// CHECK-LABEL: func.func @attention_scale_cross
//       CHECK: %[[O:.*]], %[[LSE:.*]] = loom.attention %{{.*}}, %{{.*}}, %{{.*}} query_positions(%{{.*}}) key_positions(%{{.*}}) visible(%{{.*}}, %{{.*}}) {scale = 1.250000e-01 : f64} : tensor<2x8x4x64xf16>, tensor<2x24x4x64xf16>, tensor<2x24x4x32xf16>, tensor<2x8xi32>, tensor<2x24xi32>
//       CHECK: return %[[O]], %[[LSE]] : tensor<2x8x4x32xf16>, tensor<2x8x4xf32>
func.func @attention_scale_cross(%q: tensor<2x8x4x64xf16>, %k: tensor<2x24x4x64xf16>, %v: tensor<2x24x4x32xf16>,
                                 %qp: tensor<2x8xi32>, %kp: tensor<2x24xi32>, %lo: tensor<2x24xi32>,
                                 %hi: tensor<2x24xi32>) -> (tensor<2x8x4x32xf16>, tensor<2x8x4xf32>) {
  %o, %lse = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%lo, %hi) {scale = 0.125 : f64}
      : tensor<2x8x4x64xf16>, tensor<2x24x4x64xf16>, tensor<2x24x4x32xf16>, tensor<2x8xi32>, tensor<2x24xi32>
  return %o, %lse : tensor<2x8x4x32xf16>, tensor<2x8x4xf32>
}

// -----

/// f64 input gives an f64 log-sum-exp.
// CHECK-LABEL: func.func @attention_f64
//       CHECK: %[[O:.*]], %[[LSE:.*]] = loom.attention
//       CHECK: return %[[O]], %[[LSE]] : tensor<1x4x2x8xf64>, tensor<1x4x2xf64>
func.func @attention_f64(%q: tensor<1x4x2x8xf64>, %p: tensor<1x4xi64>, %hi: tensor<1x4xi64>)
    -> (tensor<1x4x2x8xf64>, tensor<1x4x2xf64>) {
  %o, %lse = loom.attention %q, %q, %q query_positions(%p) key_positions(%p) visible(%p, %hi)
      : tensor<1x4x2x8xf64>, tensor<1x4x2x8xf64>, tensor<1x4x2x8xf64>, tensor<1x4xi64>, tensor<1x4xi64>
  return %o, %lse : tensor<1x4x2x8xf64>, tensor<1x4x2xf64>
}

// -----

/// Bounded (packed, variable-length) query and key sequences: the output and
/// log-sum-exp take the query's bound.
// CHECK-LABEL: func.func @attention_bounded
//       CHECK: %[[O:.*]], %[[LSE:.*]] = loom.attention %{{.*}}, %{{.*}}, %{{.*}} query_positions(%{{.*}}) key_positions(%{{.*}}) visible(%{{.*}}, %{{.*}}) : tensor<1x?x4x16xf32, #loom.bounds<[1, 512, 4, 16]>>, tensor<1x?x2x16xf32, #loom.bounds<[1, 256, 2, 16]>>, tensor<1x?x2x16xf32, #loom.bounds<[1, 256, 2, 16]>>, tensor<1x?xi64, #loom.bounds<[1, 512]>>, tensor<1x?xi64, #loom.bounds<[1, 256]>>
//       CHECK: return %[[O]], %[[LSE]] : tensor<1x?x4x16xf32, #loom.bounds<[1, 512, 4, 16]>>, tensor<1x?x4xf32, #loom.bounds<[1, 512, 4]>>
func.func @attention_bounded(%q: tensor<1x?x4x16xf32, #loom.bounds<[1, 512, 4, 16]>>,
                             %k: tensor<1x?x2x16xf32, #loom.bounds<[1, 256, 2, 16]>>,
                             %v: tensor<1x?x2x16xf32, #loom.bounds<[1, 256, 2, 16]>>,
                             %qp: tensor<1x?xi64, #loom.bounds<[1, 512]>>,
                             %kp: tensor<1x?xi64, #loom.bounds<[1, 256]>>,
                             %lo: tensor<1x?xi64, #loom.bounds<[1, 256]>>,
                             %hi: tensor<1x?xi64, #loom.bounds<[1, 256]>>)
    -> (tensor<1x?x4x16xf32, #loom.bounds<[1, 512, 4, 16]>>, tensor<1x?x4xf32, #loom.bounds<[1, 512, 4]>>) {
  %o, %lse = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%lo, %hi)
      : tensor<1x?x4x16xf32, #loom.bounds<[1, 512, 4, 16]>>, tensor<1x?x2x16xf32, #loom.bounds<[1, 256, 2, 16]>>,
        tensor<1x?x2x16xf32, #loom.bounds<[1, 256, 2, 16]>>, tensor<1x?xi64, #loom.bounds<[1, 512]>>,
        tensor<1x?xi64, #loom.bounds<[1, 256]>>
  return %o, %lse : tensor<1x?x4x16xf32, #loom.bounds<[1, 512, 4, 16]>>, tensor<1x?x4xf32, #loom.bounds<[1, 512, 4]>>
}

// -----

/// The VJP op takes the forward results as residuals and returns gradients
/// shaped like query, key and value (here Dv = 8 differs from D = 16).
// CHECK-LABEL: func.func @attention_grad_gqa
//       CHECK: %{{.*}}, %{{.*}}, %{{.*}} = loom.attention_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} query_positions(%{{.*}}) key_positions(%{{.*}}) visible(%{{.*}}, %{{.*}}) {scale = 2.500000e-01 : f64} : tensor<1x8x4x16xf32>, tensor<1x8x2x16xf32>, tensor<1x8x2x8xf32>, tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8xi64>, tensor<1x8xi64>
func.func @attention_grad_gqa(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x2x16xf32>, %v: tensor<1x8x2x8xf32>,
                              %p: tensor<1x8xi64>, %hi: tensor<1x8xi64>, %do: tensor<1x8x4x8xf32>)
    -> (tensor<1x8x4x16xf32>, tensor<1x8x2x16xf32>, tensor<1x8x2x8xf32>) {
  %o, %lse = loom.attention %q, %k, %v query_positions(%p) key_positions(%p) visible(%p, %hi) {scale = 0.25 : f64}
      : tensor<1x8x4x16xf32>, tensor<1x8x2x16xf32>, tensor<1x8x2x8xf32>, tensor<1x8xi64>, tensor<1x8xi64>
  %dq, %dk, %dv = loom.attention_grad %q, %k, %v, %o, %lse, %do query_positions(%p) key_positions(%p)
      visible(%p, %hi) {scale = 0.25 : f64} : tensor<1x8x4x16xf32>, tensor<1x8x2x16xf32>, tensor<1x8x2x8xf32>,
      tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8xi64>, tensor<1x8xi64>
  return %dq, %dk, %dv : tensor<1x8x4x16xf32>, tensor<1x8x2x16xf32>, tensor<1x8x2x8xf32>
}
