// RUN: loom-opt %s --split-input-file --loom-kernel-strategy | FileCheck %s
// RUN: loom-opt %s --split-input-file --loom-kernel-strategy="min-work=1 max-workgroups=8" \
// RUN:   | FileCheck %s --check-prefix=OPT

/// [Rule: elementwise ops make every leading dim a row; a workgroup takes the
/// smallest box of rows with at least min-work (65536) work: a row (one
/// element) costs 1 (mul) + 8 (exp), so 8192 rows, the box [2, 64, 64]]
// CHECK-LABEL: func.func @elementwise
//  CHECK-SAME: loom.strategy = "elementwise", loom.tile_rows = 8192 : i64, loom.workgroups = array<i64: 2, 1, 1>
/// [Rule: max-workgroups caps the grid; min-work=1 would give 16384]
// OPT-LABEL: func.func @elementwise
//  OPT-SAME: loom.strategy = "elementwise", loom.tile_rows = 2048 : i64, loom.workgroups = array<i64: 8, 1, 1>
module @kernels {
  func.func @elementwise(%x: tensor<4x64x64xf32>, %y: tensor<4x64x64xf32>) -> tensor<4x64x64xf32> {
    %m = loom.binary mul %x, %y : tensor<4x64x64xf32>
    %e = loom.unary exp %m : tensor<4x64x64xf32>
    return %e : tensor<4x64x64xf32>
  }
}

// -----

/// [Rule: a broadcast's source is read whole along its new dims, sliced along
/// the others; a cast, compare and select stay elementwise]
// CHECK-LABEL: func.func @broadcast_bias
//  CHECK-SAME: loom.strategy = "elementwise", loom.tile_rows = 16384 : i64, loom.workgroups = array<i64: 4, 1, 1>
module @kernels {
  func.func @broadcast_bias(%x: tensor<1024x64xf32>, %bias: tensor<64xf32>) -> tensor<1024x64xbf16> {
    %b = loom.broadcast %bias dims [1] : tensor<64xf32> -> tensor<1024x64xf32>
    %s = loom.binary add %x, %b : tensor<1024x64xf32>
    %lt = loom.compare lt %s, %b : tensor<1024x64xf32>
    %r = loom.select %lt, %s, %b : tensor<1024x64xi1>, tensor<1024x64xf32>
    %c = loom.cast %r : tensor<1024x64xf32> to tensor<1024x64xbf16>
    return %c : tensor<1024x64xbf16>
  }
}

// -----

/// [Rule: a gather reads its table whole along the axis, and its indices per
/// row: an embedding lookup is elementwise]
// CHECK-LABEL: func.func @embedding
//  CHECK-SAME: loom.strategy = "elementwise", loom.tile_rows = 65536 : i64, loom.workgroups = array<i64: 4, 1, 1>
module @kernels {
  func.func @embedding(%table: tensor<260x64xf32>, %ids: tensor<16x256xi64>) -> tensor<16x256x64xf32> {
    %e = loom.gather %table[%ids] axis 0 : tensor<260x64xf32>, tensor<16x256xi64>
    return %e : tensor<16x256x64xf32>
  }
}

// -----

/// [Rule: rms_norm reduces the last dim: 1024 rows [16, 64] of 64, its weight
/// read whole; a row costs 4 x 64, so 256 rows, the box [4, 64]]
// CHECK-LABEL: func.func @rms_norm
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 256 : i64, loom.workgroups = array<i64: 4, 1, 1>
// OPT-LABEL: func.func @rms_norm
//  OPT-SAME: loom.strategy = "row_reduction", loom.tile_rows = 128 : i64, loom.workgroups = array<i64: 8, 1, 1>
module @kernels {
  func.func @rms_norm(%x: tensor<16x64x64xf32>, %w: tensor<64xf32>) -> (tensor<16x64x64xf32>, tensor<16x64xf32>) {
    %y, %r = loom.rms_norm %x weight(%w : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<16x64x64xf32>
    return %y, %r : tensor<16x64x64xf32>, tensor<16x64xf32>
  }
}

// -----

/// [Rule: a fused elementwise chain feeding a norm is one row reduction; the
/// work of a row adds up over the ops: (1 + 1 + 4) x 64]
// CHECK-LABEL: func.func @chain_then_norm
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 256 : i64, loom.workgroups = array<i64: 2, 1, 1>
module @kernels {
  func.func @chain_then_norm(%x: tensor<8x64x64xf32>, %y: tensor<8x64x64xf32>, %z: tensor<8x64x64xf32>, %w: tensor<64xf32>) -> (tensor<8x64x64xf32>, tensor<8x64x64xf32>) {
    %m = loom.binary mul %x, %y : tensor<8x64x64xf32>
    %a = loom.binary add %m, %z : tensor<8x64x64xf32>
    %n, %r = loom.rms_norm %a weight(%w : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<8x64x64xf32>
    return %a, %n : tensor<8x64x64xf32>, tensor<8x64x64xf32>
  }
}

// -----

/// [Rule: layer_norm and the norm gradients reduce the last dim]
// CHECK-LABEL: func.func @layer_norm_grad
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 256 : i64, loom.workgroups = array<i64: 4, 1, 1>
// CHECK-LABEL: func.func @rms_norm_grad
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 256 : i64, loom.workgroups = array<i64: 4, 1, 1>
// CHECK-LABEL: func.func @layer_norm
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 256 : i64, loom.workgroups = array<i64: 4, 1, 1>
module @kernels {
  func.func @layer_norm_grad(%x: tensor<1024x64xf32>, %mean: tensor<1024xf32>, %rstd: tensor<1024xf32>, %g: tensor<1024x64xf32>) -> tensor<1024x64xf32> {
    %dx = loom.layer_norm_grad %x, %mean, %rstd, %g : tensor<1024x64xf32>, tensor<1024xf32>
    return %dx : tensor<1024x64xf32>
  }
  func.func @rms_norm_grad(%x: tensor<1024x64xf32>, %rstd: tensor<1024xf32>, %g: tensor<1024x64xf32>) -> tensor<1024x64xf32> {
    %dx = loom.rms_norm_grad %x, %rstd, %g : tensor<1024x64xf32>, tensor<1024xf32>
    return %dx : tensor<1024x64xf32>
  }
  func.func @layer_norm(%x: tensor<1024x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>) -> (tensor<1024x64xf32>, tensor<1024xf32>) {
    %y, %mean, %rstd = loom.layer_norm %x weight(%w : tensor<64xf32>) bias(%b : tensor<64xf32>) {epsilon = 1.0e-06 : f64} : tensor<1024x64xf32>
    return %y, %rstd : tensor<1024x64xf32>, tensor<1024xf32>
  }
}

// -----

/// [Rule: softmax and log_softmax over the last dim: a row of 260 costs
/// 16 x 260, so 16 rows]
// CHECK-LABEL: func.func @softmax
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 16 : i64, loom.workgroups = array<i64: 16, 1, 1>
// CHECK-LABEL: func.func @log_softmax
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 16 : i64, loom.workgroups = array<i64: 16, 1, 1>
module @kernels {
  func.func @softmax(%x: tensor<256x260xf32>) -> tensor<256x260xf32> {
    %p = loom.softmax %x dim 1 acc(f32) : tensor<256x260xf32>
    return %p : tensor<256x260xf32>
  }
  func.func @log_softmax(%x: tensor<256x260xf32>) -> tensor<256x260xf32> {
    %p = loom.log_softmax %x dim 1 acc(f32) : tensor<256x260xf32>
    return %p : tensor<256x260xf32>
  }
}

// -----

/// [Rule: cross_entropy is per row of logits; the work of a row counts the
/// logits (16 x 260), not the one loss]
// CHECK-LABEL: func.func @cross_entropy
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 16 : i64, loom.workgroups = array<i64: 16, 1, 1>
module @kernels {
  func.func @cross_entropy(%logits: tensor<256x260xf32>, %t: tensor<256xi64>) -> tensor<256xf32> {
    %l = loom.cross_entropy %logits, %t acc(f32) : tensor<256x260xf32>, tensor<256xi64>
    return %l : tensor<256xf32>
  }
}

// -----

/// [Rule: reduce and argmax over trailing dims are row reductions]
// CHECK-LABEL: func.func @reduce_trailing
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 1024 : i64, loom.workgroups = array<i64: 4, 1, 1>
// CHECK-LABEL: func.func @argmax
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 256 : i64, loom.workgroups = array<i64: 4, 1, 1>
module @kernels {
  func.func @reduce_trailing(%x: tensor<64x64x64xf32>) -> tensor<64x64xf32> {
    %s = loom.reduce sum %x dims [2] acc(f32) : tensor<64x64x64xf32>
    return %s : tensor<64x64xf32>
  }
  func.func @argmax(%x: tensor<1024x260xf32>) -> tensor<1024xi64> {
    %i = loom.argmax %x dim 1 : tensor<1024x260xf32>
    return %i : tensor<1024xi64>
  }
}

// -----

/// [Rule: a row statistic broadcast back over its row: the value read by both
/// the reduction (whole row) and the subtraction (per element) makes the
/// rows [1024], not [1024, 64]; a row costs 3 x 64]
// CHECK-LABEL: func.func @center_rows
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 512 : i64, loom.workgroups = array<i64: 2, 1, 1>
module @kernels {
  func.func @center_rows(%x: tensor<1024x64xf32>) -> tensor<1024x64xf32> {
    %m = loom.reduce max %x dims [1] acc(f32) : tensor<1024x64xf32>
    %b = loom.broadcast %m dims [0] : tensor<1024xf32> -> tensor<1024x64xf32>
    %d = loom.binary sub %x, %b : tensor<1024x64xf32>
    return %d : tensor<1024x64xf32>
  }
}

// -----

/// [Rule: rope mixes pairs of the last dim; positions are per [B, S] token:
/// rows [4, 64, 4] of 16, each costing 32 x 16, so the box [1, 32, 4]]
// CHECK-LABEL: func.func @rope
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 128 : i64, loom.workgroups = array<i64: 8, 1, 1>
module @kernels {
  func.func @rope(%q: tensor<4x64x4x16xf32>, %pos: tensor<4x64xi64>) -> tensor<4x64x4x16xf32> {
    %r = loom.rope %q positions(%pos : tensor<4x64xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<4x64x4x16xf32>
    return %r : tensor<4x64x4x16xf32>
  }
}

// -----

/// [Rule: cumsum along a trailing dim is a scan of independent rows]
// CHECK-LABEL: func.func @cumsum
//  CHECK-SAME: loom.strategy = "scan", loom.tile_rows = 1024 : i64, loom.workgroups = array<i64: 4, 1, 1>
module @kernels {
  func.func @cumsum(%x: tensor<4096x64xf32>) -> tensor<4096x64xf32> {
    %c = loom.cumsum %x dim 1 acc(f32) : tensor<4096x64xf32>
    return %c : tensor<4096x64xf32>
  }
}

// -----

/// [Rule: a kernel of less than 2 x min-work work is one workgroup of all its
/// rows; an iota along a trailing dim has rows]
// CHECK-LABEL: func.func @small
//  CHECK-SAME: loom.strategy = "elementwise", loom.tile_rows = 32 : i64, loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @iota
//  CHECK-SAME: loom.strategy = "elementwise", loom.tile_rows = 2 : i64, loom.workgroups = array<i64: 1, 1, 1>
// OPT-LABEL: func.func @iota
//  OPT-SAME: loom.strategy = "elementwise", loom.tile_rows = 1 : i64, loom.workgroups = array<i64: 2, 1, 1>
module @kernels {
  func.func @small(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %e = loom.unary exp %x : tensor<4x8xf32>
    return %e : tensor<4x8xf32>
  }
  func.func @iota() -> tensor<2x64xi64> {
    %i = loom.iota dim 1 : tensor<2x64xi64>
    return %i : tensor<2x64xi64>
  }
}

// -----

/// [Rule: no box of rows below all rows does enough work (64 of the 257
/// rows would): one workgroup]
// CHECK-LABEL: func.func @prime_rows
//  CHECK-SAME: loom.strategy = "row_reduction", loom.tile_rows = 257 : i64, loom.workgroups = array<i64: 1, 1, 1>
module @kernels {
  func.func @prime_rows(%x: tensor<257x64xf32>) -> tensor<257x64xf32> {
    %p = loom.softmax %x dim 1 acc(f32) : tensor<257x64xf32>
    return %p : tensor<257x64xf32>
  }
}

// -----

/// [Rule: serial: a reduction or scan along the leading dim, a softmax over
/// it, a sort along dim 0]
// CHECK-LABEL: func.func @negative_reduce_leading
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
//   CHECK-NOT: loom.tile_rows
// CHECK-LABEL: func.func @negative_cumsum_leading
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_softmax_leading
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_sort_dim0
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
module @kernels {
  func.func @negative_reduce_leading(%x: tensor<256x64xf32>) -> tensor<64xf32> {
    %s = loom.reduce sum %x dims [0] acc(f32) : tensor<256x64xf32>
    return %s : tensor<64xf32>
  }
  func.func @negative_cumsum_leading(%x: tensor<256x64xf32>) -> tensor<256x64xf32> {
    %c = loom.cumsum %x dim 0 acc(f32) : tensor<256x64xf32>
    return %c : tensor<256x64xf32>
  }
  func.func @negative_softmax_leading(%x: tensor<256x64xf32>) -> tensor<256x64xf32> {
    %p = loom.softmax %x dim 0 acc(f32) : tensor<256x64xf32>
    return %p : tensor<256x64xf32>
  }
  func.func @negative_sort_dim0(%x: tensor<16384xf32>) -> (tensor<16384xf32>, tensor<16384xi64>) {
    %s, %p = loom.sort %x dim 0 : tensor<16384xf32>
    return %s, %p : tensor<16384xf32>, tensor<16384xi64>
  }
}

// -----

/// [Rule: serial: ops the table does not know (transpose, concat, a matmul
/// kernel, scatter_add, random draws) and results of rank 0]
// CHECK-LABEL: func.func @negative_transpose
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_concat
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_matmul
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_scatter_add
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_random
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
// CHECK-LABEL: func.func @negative_rank0
//  CHECK-SAME: loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
module @kernels {
  func.func @negative_transpose(%x: tensor<4x64x4x16xf32>) -> tensor<4x4x64x16xf32> {
    %t = loom.transpose %x perm [0, 2, 1, 3] : tensor<4x64x4x16xf32>
    return %t : tensor<4x4x64x16xf32>
  }
  func.func @negative_concat(%a: tensor<256x32xf32>, %b: tensor<256x32xf32>) -> tensor<256x64xf32> {
    %c = loom.concat %a, %b dim 1 : tensor<256x32xf32>, tensor<256x32xf32>
    return %c : tensor<256x64xf32>
  }
  func.func @negative_matmul(%a: tensor<256x64xbf16>, %b: tensor<64x64xbf16>) -> tensor<256x64xbf16> {
    %c = loom.matmul %a, %b acc(f32) : tensor<256x64xbf16>, tensor<64x64xbf16>
    return %c : tensor<256x64xbf16>
  }
  func.func @negative_scatter_add(%dy: tensor<4x64x64xf32>, %z: tensor<260x64xf32>, %ids: tensor<4x64xi64>) -> tensor<260x64xf32> {
    %g = loom.scatter_add %dy into %z[%ids] axis 0 : tensor<4x64x64xf32>, tensor<260x64xf32>, tensor<4x64xi64>
    return %g : tensor<260x64xf32>
  }
  func.func @negative_random(%key: tensor<i64>) -> tensor<256x64xf32> {
    %u = loom.random_uniform %key : tensor<256x64xf32>
    return %u : tensor<256x64xf32>
  }
  func.func @negative_rank0(%x: tensor<256x64xf32>) -> tensor<f32> {
    %s = loom.reduce sum %x dims [0, 1] acc(f32) : tensor<256x64xf32>
    return %s : tensor<f32>
  }
}

// -----

/// [Rule: only the kernels of the nested module @kernels are annotated]
// CHECK-LABEL: func.func @not_a_kernel
//   CHECK-NOT: loom.strategy
// CHECK-LABEL: func.func @a_kernel
//  CHECK-SAME: loom.strategy = "elementwise"
func.func @not_a_kernel(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}
module @kernels {
  func.func @a_kernel(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %e = loom.unary exp %x : tensor<4x8xf32>
    return %e : tensor<4x8xf32>
  }
}
