// RUN: loom-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{size 1099511627776 is outside [0, 2^40)}}
loomrt.arena @a activations size(1099511627776) alignment(64)

// -----

// expected-error @+1 {{alignment 48 is not a power of two in [1, 4096]}}
loomrt.arena @a activations size(64) alignment(48)

// -----

loomrt.arena @p parameters size(64) alignment(64)
// expected-error @+1 {{init normal needs a finite std > 0}}
loomrt.parameter "w" in @p[0] : tensor<4xf32> init normal

// -----

loomrt.arena @p parameters size(64) alignment(64)
// expected-error @+1 {{std is only for init normal}}
loomrt.parameter "w" in @p[0] : tensor<4xf32> init ones std 1.0

// -----

// expected-error @+1 {{refers to @nowhere, which is no loomrt.arena}}
loomrt.parameter "w" in @nowhere[0] : tensor<4xf32> init ones

// -----

loomrt.arena @a activations size(64) alignment(64)
// expected-error @+1 {{arena @a holds activations, not parameters}}
loomrt.parameter "w" in @a[0] : tensor<4xf32> init ones

// -----

loomrt.arena @p parameters size(64) alignment(64)
// expected-error @+1 {{a frozen parameter belongs in a frozen arena}}
loomrt.parameter "w" in @p[0] : tensor<4xf32> init ones frozen

// -----

loomrt.arena @f frozen size(64) alignment(64)
// expected-error @+1 {{a trained parameter cannot live in a frozen arena}}
loomrt.parameter "w" in @f[0] : tensor<4xf32> init ones

// -----

loomrt.arena @p parameters size(64) alignment(64)
// expected-error @+1 {{offset 2 is not a non-negative multiple of 4}}
loomrt.parameter "w" in @p[2] : tensor<4xf32> init ones

// -----

loomrt.arena @p parameters size(64) alignment(64)
// expected-error @+1 {{bytes [56, 72) lie outside arena @p of 64 bytes}}
loomrt.parameter "w" in @p[56] : tensor<4xf32> init ones

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  // expected-error @+1 {{bytes [0, 128) lie outside arena @a of 64 bytes}}
  %x = loomrt.view @a[0] : memref<32xf32>
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  // expected-error @+1 {{'loomrt.view' op result #0 must be statically shaped memref with the identity layout}}
  %x = loomrt.view @a[0] : memref<?xf32>
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  // expected-error @+1 {{is not a command: an entry's plan holds loomrt ops only}}
  %c = arith.constant 0 : index
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  // expected-error @+1 {{grid must have three entries, each >= 1}}
  loomrt.launch @kernels::@k grid [1, 0, 1] (%x) : memref<4xf32>
}
module @kernels {
  func.func @k() -> tensor<4xf32> {
    %c = arith.constant dense<1.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  // expected-error @+1 {{kernel @kernels::@missing is no func.func}}
  loomrt.launch @kernels::@missing grid [1, 1, 1] (%x) : memref<4xf32>
}
module @kernels {
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  // expected-error @+1 {{kernel @kernels::@k takes 2 buffers (arguments, then results), got 1}}
  loomrt.launch @kernels::@k grid [1, 1, 1] (%x) : memref<4xf32>
}
module @kernels {
  func.func @k(%a: tensor<4xf32>) -> tensor<4xf32> {
    return %a : tensor<4xf32>
  }
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  %y = loomrt.view @a[16] : memref<4xi32>
  // expected-error @+1 {{buffer 1 'memref<4xi32>' does not hold kernel type 'tensor<4xf32>'}}
  loomrt.launch @kernels::@k grid [1, 1, 1] (%x, %y) : memref<4xf32>, memref<4xi32>
}
module @kernels {
  func.func @k(%a: tensor<4xf32>) -> tensor<4xf32> {
    return %a : tensor<4xf32>
  }
}

// -----

loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4x8xf32>
  %w = loomrt.view @a[128] : memref<16x8xf32>
  %y = loomrt.view @a[1024] : memref<4x16xf32>
  // expected-error @+1 {{op(A) is 4x8 and op(B) 16x8, which do not multiply into C 4x16}}
  loomrt.gemm %x, %w, %y alpha(1.0) beta(0.0) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
}

// -----

loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %q = loomrt.view @a[0] : memref<1x8x3x4xf32>
  %k = loomrt.view @a[512] : memref<1x8x2x4xf32>
  %p = loomrt.view @a[1024] : memref<1x8xi64>
  %o = loomrt.view @a[2048] : memref<1x8x3x4xf32>
  %l = loomrt.view @a[3072] : memref<1x8x3xf32>
  // expected-error @+1 {{query heads 3 are not a multiple of key heads 2}}
  loomrt.attention %q, %k, %k, %p, %p, %p -> %o, %l scale(0.5)
      : memref<1x8x3x4xf32>, memref<1x8x2x4xf32>, memref<1x8x2x4xf32>, memref<1x8xi64>,
        memref<1x8xi64>, memref<1x8xi64>, memref<1x8x3x4xf32>, memref<1x8x3xf32>
}

// -----

loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %q = loomrt.view @a[0] : memref<1x8x2x4xf32>
  %k = loomrt.view @a[512] : memref<1x8x1x4xf32>
  %p = loomrt.view @a[1024] : memref<1x7xi64>
  %o = loomrt.view @a[2048] : memref<1x8x2x4xf32>
  %l = loomrt.view @a[3072] : memref<1x8x2xf32>
  // expected-error @+1 {{query_positions must be [1, 8], not [1, 7]}}
  loomrt.attention %q, %k, %k, %p, %p, %p -> %o, %l scale(0.5)
      : memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>, memref<1x7xi64>,
        memref<1x7xi64>, memref<1x7xi64>, memref<1x8x2x4xf32>, memref<1x8x2xf32>
}

// -----

loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %q = loomrt.view @a[0] : memref<1x8x2x4xf32>
  %k = loomrt.view @a[512] : memref<1x8x1x4xf32>
  %p = loomrt.view @a[1024] : memref<1x8xi64>
  %o = loomrt.view @a[2048] : memref<1x8x2x4xf32>
  %l = loomrt.view @a[3072] : memref<1x8x2xf32>
  // expected-error @+1 {{scale must be finite}}
  loomrt.attention %q, %k, %k, %p, %p, %p -> %o, %l scale(0x7F800000)
      : memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>, memref<1x8xi64>,
        memref<1x8xi64>, memref<1x8xi64>, memref<1x8x2x4xf32>, memref<1x8x2xf32>
}

// -----

loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %q = loomrt.view @a[0] : memref<1x8x2x4xf32>
  %k = loomrt.view @a[512] : memref<1x8x1x4xf32>
  %p = loomrt.view @a[1024] : memref<1x8xi64>
  %o = loomrt.view @a[2048] : memref<1x8x2x4xf32>
  %l = loomrt.view @a[3072] : memref<1x8x2xf32>
  // expected-error @+1 {{key_grad must be [1, 8, 1, 4], not [1, 8, 2, 4]}}
  loomrt.attention_grad %q, %k, %k, %o, %l, %o, %p, %p, %p -> %q, %q, %k scale(0.5)
      : memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>, memref<1x8x2x4xf32>,
        memref<1x8x2xf32>, memref<1x8x2x4xf32>, memref<1x8xi64>, memref<1x8xi64>,
        memref<1x8xi64>, memref<1x8x2x4xf32>, memref<1x8x2x4xf32>, memref<1x8x1x4xf32>
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  %y = loomrt.view @a[16] : memref<2xf32>
  // expected-error @+1 {{copies 16 bytes into a view of 8}}
  loomrt.copy %x, %y : memref<4xf32>, memref<2xf32>
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  // expected-error @+1 {{source and target are the same view}}
  loomrt.copy %x, %x : memref<4xf32>, memref<4xf32>
}

// -----

loomrt.arena @a activations size(64) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4xf32>
  // expected-error @+1 {{value must be a scalar of the view's element type 'f32'}}
  loomrt.fill 1 : i32 into %x : memref<4xf32>
}

// -----

loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4x4xf32>
  // expected-error @+1 {{C overlaps an operand}}
  loomrt.gemm %x, %x, %x alpha(1.0) beta(0.0) : memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>
}

// -----

/// negative_: the bias row has one element per column of C (n = 16).
loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4x8xf32>
  %w = loomrt.view @a[128] : memref<16x8xf32>
  %y = loomrt.view @a[1024] : memref<4x16xf32>
  %b = loomrt.view @a[2048] : memref<8xf32>
  // expected-error @+1 {{bias has 8 elements, not n = 16 (one per column of C)}}
  loomrt.gemm %x, %w, %y bias(%b : memref<8xf32>) trans_b alpha(1.0) beta(0.0) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
}

// -----

/// negative_: the bias row may not share a byte with C (here: C's last row).
loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4x8xf32>
  %w = loomrt.view @a[128] : memref<16x8xf32>
  %y = loomrt.view @a[1024] : memref<4x16xf32>
  %b = loomrt.view @a[1216] : memref<16xf32>
  // expected-error @+1 {{bias overlaps C (bytes [1216, 1280) of their arena)}}
  loomrt.gemm %x, %w, %y bias(%b : memref<16xf32>) trans_b alpha(1.0) beta(0.0) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
}

// -----

/// negative_: the bias is a 1-D f32 view (GEMM_F32 computes in f32).
loomrt.arena @a activations size(4096) alignment(64)
loomrt.entry @e {
  %x = loomrt.view @a[0] : memref<4x8xf32>
  %w = loomrt.view @a[128] : memref<16x8xf32>
  %y = loomrt.view @a[1024] : memref<4x16xf32>
  %b = loomrt.view @a[2048] : memref<16xf64>
  // expected-error @+1 {{operand #3 must be 1D memref of 32-bit float values}}
  loomrt.gemm %x, %w, %y bias(%b : memref<16xf64>) trans_b alpha(1.0) beta(0.0) : memref<4x8xf32>, memref<16x8xf32>, memref<4x16xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{kernel @kernels::@missing is no func.func}}
  %r = loomrt.dispatch @kernels::@missing(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
module @kernels {
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{types do not match kernel @kernels::@k of type '(tensor<4xf32>) -> tensor<4xf32>'}}
  %r = loomrt.dispatch @kernels::@k(%a) : (tensor<4xf32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}
module @kernels {
  func.func @k(%a: tensor<4xf32>) -> tensor<4xf32> {
    return %a : tensor<4xf32>
  }
}
