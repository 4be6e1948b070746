// RUN: loom-opt %s --split-input-file --loom-fuse --verify-diagnostics | FileCheck %s
// RUN: loom-opt %s --split-input-file --loom-test-pass-equivalence="pipeline=loom-fuse" -o /dev/null

/// [Rule: an elementwise chain on one shape is one region; the caller sees
/// only its result]
// CHECK-LABEL: func.func @chain
//  CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<4x8xf32>)
//       CHECK:   %[[R:.*]] = loom.fusion elementwise (%[[X]], %[[Y]]) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> {
//       CHECK:     loom.binary mul
//       CHECK:     loom.unary exp
//       CHECK:     loom.binary add
//       CHECK:     loom.yield
//       CHECK:   return %[[R]]
module attributes {loom.target = "cpu"} {
  func.func @chain(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %m = loom.binary mul %x, %y : tensor<4x8xf32>
    %e = loom.unary exp %m : tensor<4x8xf32>
    %a = loom.binary add %e, %x : tensor<4x8xf32>
    return %a : tensor<4x8xf32>
  }
}

// -----

/// [Rule: a row reduction joins the chain producing its rows and closes it;
/// cheap producers (a broadcast) are recomputed inside, their inputs passed]
// CHECK-LABEL: func.func @chain_then_norm
//       CHECK:   %[[F:.*]]:2 = loom.fusion row_reduction (%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>)
//       CHECK:     loom.broadcast
//       CHECK:     loom.binary add
//       CHECK:     loom.rms_norm
//   CHECK-NOT:   loom.broadcast
//       CHECK:   return %[[F]]#0, %[[F]]#1
module attributes {loom.target = "cpu"} {
  func.func @chain_then_norm(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %w: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
    %bb = loom.broadcast %b dims [1] : tensor<8xf32> -> tensor<4x8xf32>
    %s = loom.binary add %x, %bb : tensor<4x8xf32>
    %r, %rstd = loom.rms_norm %s weight(%w : tensor<8xf32>) {epsilon = 1.0e-5 : f64} : tensor<4x8xf32>
    return %r, %rstd : tensor<4x8xf32>, tensor<4xf32>
  }
}

// -----

/// [Rule: a value the chain computes that others read becomes a second
/// result of the region (multi-output kernel)]
// CHECK-LABEL: func.func @shared_intermediate
//       CHECK:   %[[F:.*]]:2 = loom.fusion elementwise
//       CHECK:   loom.linear %[[F]]#0
//       CHECK:   return %{{.*}}, %[[F]]#1
module attributes {loom.target = "cpu"} {
  func.func @shared_intermediate(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    %e = loom.unary exp %x : tensor<4x8xf32>
    %t = loom.unary tanh %e : tensor<4x8xf32>
    %l = loom.linear %e, %w acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
    return %l, %t : tensor<4x8xf32>, tensor<4x8xf32>
  }
}

// -----

/// [Rule: negative_ different shapes are different groups (a reduction over
/// the rows' trailing dim makes 4 values; the chain after it is its own)]
// CHECK-LABEL: func.func @negative_shapes
//       CHECK:   loom.fusion row_reduction
//       CHECK:     loom.reduce sum
//       CHECK:   loom.fusion elementwise
//       CHECK:     loom.unary sqrt
//       CHECK:     loom.unary exp
module attributes {loom.target = "cpu"} {
  func.func @negative_shapes(%x: tensor<4x8xf32>) -> tensor<4xf32> {
    %q = loom.binary mul %x, %x : tensor<4x8xf32>
    %s = loom.reduce sum %q dims [1] acc(f32) : tensor<4x8xf32>
    %r = loom.unary sqrt %s : tensor<4xf32>
    %e = loom.unary exp %r : tensor<4xf32>
    return %e : tensor<4xf32>
  }
}

// -----

/// [Rule: negative_ a reduction over leading dims is no row reduction: it
/// stays alone, and the chain before it is a region of its own]
// CHECK-LABEL: func.func @negative_column_reduction
//       CHECK:   %[[F:.*]] = loom.fusion elementwise
//       CHECK:   loom.reduce sum %[[F]] dims [0]
module attributes {loom.target = "cpu"} {
  func.func @negative_column_reduction(%x: tensor<4x8xf32>) -> tensor<8xf32> {
    %e = loom.unary exp %x : tensor<4x8xf32>
    %t = loom.unary tanh %e : tensor<4x8xf32>
    %s = loom.reduce sum %t dims [0] acc(f32) : tensor<4x8xf32>
    return %s : tensor<8xf32>
  }
}

// -----

/// [Rule: negative_ library calls never join: the chains on either side of a
/// GEMM are separate regions]
// CHECK-LABEL: func.func @negative_library_call
//       CHECK:   loom.fusion elementwise
//       CHECK:   loom.linear
//       CHECK:   loom.fusion elementwise
module attributes {loom.target = "cpu"} {
  func.func @negative_library_call(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
    %a = loom.unary exp %x : tensor<4x8xf32>
    %b = loom.unary tanh %a : tensor<4x8xf32>
    %l = loom.linear %b, %w acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
    %c = loom.unary exp %l : tensor<4x8xf32>
    %d = loom.binary add %c, %x : tensor<4x8xf32>
    return %d : tensor<4x8xf32>
  }
}

// -----

/// [Rule: negative_ no cycles: %c reads the chain through a GEMM, so it may
/// not join the chain's group]
// CHECK-LABEL: func.func @negative_cycle
//       CHECK:   %[[F:.*]] = loom.fusion elementwise
//       CHECK:   %[[L:.*]] = loom.linear %[[F]]
//       CHECK:   loom.fusion elementwise (%[[F]], %[[L]])
module attributes {loom.target = "cpu"} {
  func.func @negative_cycle(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
    %a = loom.unary exp %x : tensor<4x8xf32>
    %b = loom.unary tanh %a : tensor<4x8xf32>
    %l = loom.linear %b, %w acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
    %c = loom.binary add %b, %l : tensor<4x8xf32>
    %d = loom.unary exp %c : tensor<4x8xf32>
    return %d : tensor<4x8xf32>
  }
}

// -----

/// [Rule: one op alone is no region (kernel formation makes it a kernel)]
// CHECK-LABEL: func.func @single
//   CHECK-NOT:   loom.fusion
//       CHECK:   loom.unary exp
module attributes {loom.target = "cpu"} {
  func.func @single(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %e = loom.unary exp %x : tensor<4x8xf32>
    return %e : tensor<4x8xf32>
  }
}


// -----

/// [Rule: two open groups on one shape merge when an op reads both]
// CHECK-LABEL: func.func @merge_siblings
//       CHECK:   loom.fusion elementwise
//       CHECK:     loom.unary exp
//       CHECK:     loom.unary tanh
//       CHECK:     loom.binary mul
//   CHECK-NOT:   loom.fusion
module attributes {loom.target = "cpu"} {
  func.func @merge_siblings(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %a = loom.unary exp %x : tensor<4x8xf32>
    %b = loom.unary tanh %y : tensor<4x8xf32>
    %c = loom.binary mul %a, %b : tensor<4x8xf32>
    return %c : tensor<4x8xf32>
  }
}

// -----

/// [Rule: independent scalar chains share one kernel]
// CHECK-LABEL: func.func @scalars
//       CHECK:   %[[F:.*]]:2 = loom.fusion elementwise (%{{.*}}, %{{.*}}) : (tensor<f32>, tensor<i64>) -> (tensor<f32>, tensor<f32>)
//   CHECK-NOT:   loom.fusion
module attributes {loom.target = "cpu"} {
  func.func @scalars(%s: tensor<f32>, %t: tensor<i64>) -> (tensor<f32>, tensor<f32>) {
    %a = loom.unary sqrt %s : tensor<f32>
    %c = loom.cast %t : tensor<i64> to tensor<f32>
    %d = loom.unary cos %c : tensor<f32>
    return %a, %d : tensor<f32>, tensor<f32>
  }
}

// -----

/// [Rule: negative_ groups joined only through an op outside them do not
/// merge (a cycle)]
// CHECK-LABEL: func.func @negative_merge_cycle
//       CHECK:   %[[A:.*]] = loom.fusion elementwise
//       CHECK:   %[[L:.*]] = loom.linear %[[A]]
//       CHECK:   loom.fusion elementwise (%[[L]], %[[A]])
module attributes {loom.target = "cpu"} {
  func.func @negative_merge_cycle(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
    %a = loom.unary exp %x : tensor<4x8xf32>
    %a2 = loom.unary tanh %a : tensor<4x8xf32>
    %l = loom.linear %a2, %w acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
    %b = loom.unary exp %l : tensor<4x8xf32>
    %c = loom.binary mul %a2, %b : tensor<4x8xf32>
    return %c : tensor<4x8xf32>
  }
}

// -----

/// [Rule: sibling ropes (q with 4 heads, k with 2) over the same positions
/// are one region with both results; the positions are read once]
// CHECK-LABEL: func.func @sibling_ropes
//  CHECK-SAME: (%[[Q:.*]]: tensor<2x8x4x16xf32>, %[[K:.*]]: tensor<2x8x2x16xf32>, %[[P:.*]]: tensor<2x8xi64>)
//       CHECK:   %[[F:.*]]:2 = loom.fusion elementwise (%[[Q]], %[[P]], %[[K]]) : (tensor<2x8x4x16xf32>, tensor<2x8xi64>, tensor<2x8x2x16xf32>) -> (tensor<2x8x4x16xf32>, tensor<2x8x2x16xf32>)
//       CHECK:     loom.rope
//       CHECK:     loom.rope
//       CHECK:     loom.yield
//       CHECK:   return %[[F]]#0, %[[F]]#1
module attributes {loom.target = "cuda"} {
  func.func @sibling_ropes(%q: tensor<2x8x4x16xf32>, %k: tensor<2x8x2x16xf32>, %p: tensor<2x8xi64>)
      -> (tensor<2x8x4x16xf32>, tensor<2x8x2x16xf32>) {
    %rq = loom.rope %q positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x4x16xf32>
    %rk = loom.rope %k positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x2x16xf32>
    return %rq, %rk : tensor<2x8x4x16xf32>, tensor<2x8x2x16xf32>
  }
}

// -----

/// [Rule: negative_ ropes over different positions are not siblings (each a
/// kernel of its own)]
// CHECK-LABEL: func.func @negative_ropes_other_positions
//   CHECK-NOT:   loom.fusion
//       CHECK:   return
module attributes {loom.target = "cpu"} {
  func.func @negative_ropes_other_positions(%q: tensor<2x8x4x16xf32>, %k: tensor<2x8x2x16xf32>,
                                            %p: tensor<2x8xi64>, %p2: tensor<2x8xi64>)
      -> (tensor<2x8x4x16xf32>, tensor<2x8x2x16xf32>) {
    %rq = loom.rope %q positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x4x16xf32>
    %rk = loom.rope %k positions(%p2 : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x2x16xf32>
    return %rq, %rk : tensor<2x8x4x16xf32>, tensor<2x8x2x16xf32>
  }
}

// -----

/// [Rule: negative_ a rope that depends on the other one (through an op
/// outside both, here a linear) is not merged with it: that would be a
/// cycle]
// CHECK-LABEL: func.func @negative_dependent_ropes
//   CHECK-NOT:   loom.fusion
//       CHECK:   return
module attributes {loom.target = "cpu"} {
  func.func @negative_dependent_ropes(%q: tensor<2x8x1x16xf32>, %w: tensor<16x16xf32>, %p: tensor<2x8xi64>)
      -> tensor<2x8x1x16xf32> {
    %rq = loom.rope %q positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x1x16xf32>
    %l = loom.linear %rq, %w acc(f32) : tensor<2x8x1x16xf32>, tensor<16x16xf32>
    %rk = loom.rope %l positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x1x16xf32>
    return %rk : tensor<2x8x1x16xf32>
  }
}
