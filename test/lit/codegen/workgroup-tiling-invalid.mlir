// RUN: loom-opt %s --split-input-file --loom-test-workgroup-tiling --verify-diagnostics

/// [Rule: the grid and the tile must cover the rows exactly]
module @kernels {
  // expected-error @+1 {{kernel @cover: loom.workgroups = array<i64: 3, 1, 1> and loom.tile_rows = 64 do not cover its 256 rows}}
  func.func @cover(%x: tensor<256x64xf32>) -> tensor<256x64xf32>
      attributes {loom.workgroups = array<i64: 3, 1, 1>, loom.tile_rows = 64 : i64} {
    %p = loom.softmax %x dim 1 acc(f32) : tensor<256x64xf32>
    return %p : tensor<256x64xf32>
  }
}

// -----

/// [Rule: a workgroup's rows must be one box: 8 of the rows [4, 6] are not]
module @kernels {
  // expected-error @+1 {{kernel @box: loom.workgroups = array<i64: 3, 1, 1> with 8 rows per workgroup, which are not a box of its rows}}
  func.func @box(%x: tensor<4x6xf32>) -> tensor<4x6xf32>
      attributes {loom.workgroups = array<i64: 3, 1, 1>, loom.tile_rows = 8 : i64} {
    %e = loom.unary exp %x : tensor<4x6xf32>
    return %e : tensor<4x6xf32>
  }
}

// -----

/// [Rule: a kernel without rows (serial) cannot have several workgroups]
module @kernels {
  // expected-error @+1 {{kernel @serial: loom.workgroups = array<i64: 2, 1, 1> but it has no rows (its strategy is serial)}}
  func.func @serial(%x: tensor<256x64xf32>) -> tensor<64xf32>
      attributes {loom.workgroups = array<i64: 2, 1, 1>, loom.tile_rows = 128 : i64} {
    %s = loom.reduce sum %x dims [0] acc(f32) : tensor<256x64xf32>
    return %s : tensor<64xf32>
  }
}

// -----

/// [Rule: several workgroups need loom.tile_rows, and the grid is [gx, 1, 1]]
module @kernels {
  // expected-error @+1 {{kernel @no_tile: loom.workgroups = array<i64: 2, 1, 1> without loom.tile_rows}}
  func.func @no_tile(%x: tensor<256x64xf32>) -> tensor<256x64xf32>
      attributes {loom.workgroups = array<i64: 2, 1, 1>} {
    %e = loom.unary exp %x : tensor<256x64xf32>
    return %e : tensor<256x64xf32>
  }
}

// -----

module @kernels {
  // expected-error @+1 {{kernel @grid_y: loom.workgroups = array<i64: 2, 2, 1> is not [gx, 1, 1] with gx >= 1}}
  func.func @grid_y(%x: tensor<256x64xf32>) -> tensor<256x64xf32>
      attributes {loom.workgroups = array<i64: 2, 2, 1>, loom.tile_rows = 64 : i64} {
    %e = loom.unary exp %x : tensor<256x64xf32>
    return %e : tensor<256x64xf32>
  }
}
