// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of loom.attention.

func.func @negative_attention_rank(%q: tensor<2x64x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query, key and value must be [B, S, H, D]}}
  %o, %l = loom.attention %q, %q, %q query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x16xf32>, tensor<2x64x16xf32>, tensor<2x64x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_element_types(%q: tensor<2x64x4x16xbf16>, %k: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query, key and value element types differ}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x4x16xbf16>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_batch(%q: tensor<2x64x4x16xf32>, %k: tensor<3x64x4x16xf32>, %qp: tensor<2x64xi64>,
                                    %kp: tensor<3x64xi64>) {
  // expected-error @+1 {{'loom.attention' op batch dims differ: query 2, key 3, value 3}}
  %o, %l = loom.attention %q, %k, %k query_positions(%qp) key_positions(%kp) visible(%kp, %kp)
      : tensor<2x64x4x16xf32>, tensor<3x64x4x16xf32>, tensor<3x64x4x16xf32>, tensor<2x64xi64>, tensor<3x64xi64>
  return
}

// -----

func.func @negative_attention_kv_length(%q: tensor<2x64x4x16xf32>, %v: tensor<2x32x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op key [2, 64, 4, 16] and value [2, 32, 4, 16] differ in length or heads}}
  %o, %l = loom.attention %q, %q, %v query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x32x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_kv_heads(%q: tensor<2x64x4x16xf32>, %v: tensor<2x64x2x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op key [2, 64, 4, 16] and value [2, 64, 2, 16] differ in length or heads}}
  %o, %l = loom.attention %q, %q, %v query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x2x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_head_dim(%q: tensor<2x64x4x16xf32>, %k: tensor<2x64x4x32xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query head dim 16 differs from key head dim 32}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x4x16xf32>, tensor<2x64x4x32xf32>, tensor<2x64x4x32xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

/// Heads map statically to kv heads, so their counts are static.
func.func @negative_attention_dynamic_heads(%q: tensor<2x64x?x16xf32, #loom.bounds<[2, 64, 8, 16]>>,
                                            %k: tensor<2x64x2x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op head counts and head dims must be static}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x?x16xf32, #loom.bounds<[2, 64, 8, 16]>>, tensor<2x64x2x16xf32>, tensor<2x64x2x16xf32>,
        tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_gqa_ratio(%q: tensor<2x64x6x16xf32>, %k: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query heads (6) must be a multiple of kv heads (4)}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x6x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

/// Zero kv heads would divide by zero in the head mapping.
func.func @negative_attention_zero_kv_heads(%q: tensor<2x64x4x16xf32>, %k: tensor<2x64x0x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query heads (4) must be a multiple of kv heads (0)}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x4x16xf32>, tensor<2x64x0x16xf32>, tensor<2x64x0x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_query_positions(%q: tensor<2x8x4x16xf32>, %k: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query positions must be [B, Sq] = [2, 8], got [2, 64]}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x8x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_key_positions(%q: tensor<2x8x4x16xf32>, %k: tensor<2x64x4x16xf32>, %p: tensor<2x8xi64>) {
  // expected-error @+1 {{'loom.attention' op key positions and visibility bounds must be [B, Sk] = [2, 64], got [2, 8]}}
  %o, %l = loom.attention %q, %k, %k query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x8x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x8xi64>, tensor<2x8xi64>
  return
}

// -----

func.func @negative_attention_position_types(%q: tensor<2x64x4x16xf32>, %qp: tensor<2x64xi32>, %kp: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op query and key positions differ in element type}}
  %o, %l = loom.attention %q, %q, %q query_positions(%qp) key_positions(%kp) visible(%kp, %kp)
      : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi32>, tensor<2x64xi64>
  return
}

// -----

/// The interval bounds have the key positions' type (the custom form writes
/// it once); the generic form can spell another.
func.func @negative_attention_interval_types(%q: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>, %hi: tensor<2x64xi32>) {
  // expected-error @+1 {{'loom.attention' op failed to verify that all of {key_positions, visible_lo, visible_hi} have same type}}
  %o, %l = "loom.attention"(%q, %q, %q, %p, %p, %p, %hi)
      : (tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>,
         tensor<2x64xi64>, tensor<2x64xi32>) -> (tensor<2x64x4x16xf32>, tensor<2x64x4xf32>)
  return
}

// -----

func.func @negative_attention_scale_zero(%q: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op scale must be > 0, got 0.000000e+00}}
  %o, %l = loom.attention %q, %q, %q query_positions(%p) key_positions(%p) visible(%p, %p) {scale = 0.0 : f64}
      : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_scale_negative(%q: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op scale must be > 0, got -1.250000e-01}}
  %o, %l = loom.attention %q, %q, %q query_positions(%p) key_positions(%p) visible(%p, %p) {scale = -0.125 : f64}
      : tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

func.func @negative_attention_int(%q: tensor<2x64x4x16xi32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.attention' op operand #0 must be ranked tensor of 64-bit float or 32-bit float or bfloat16 type or 16-bit float values, but got 'tensor<2x64x4x16xi32>'}}
  %o, %l = loom.attention %q, %q, %q query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<2x64x4x16xi32>, tensor<2x64x4x16xi32>, tensor<2x64x4x16xi32>, tensor<2x64xi64>, tensor<2x64xi64>
  return
}

// -----

/// The residuals must be the forward results: a log-sum-exp of the wrong shape is refused.
func.func @negative_attention_grad_residuals(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x2x16xf32>,
    %v: tensor<1x8x2x16xf32>, %o: tensor<1x8x4x16xf32>, %lse: tensor<1x8xf32>, %p: tensor<1x8xi64>) {
  // expected-error @+1 {{output and log-sum-exp must be 'tensor<1x8x4x16xf32>' and 'tensor<1x8x4xf32>' (the forward results), got}}
  %dq, %dk, %dv = loom.attention_grad %q, %k, %v, %o, %lse, %o query_positions(%p) key_positions(%p)
      visible(%p, %p) : tensor<1x8x4x16xf32>, tensor<1x8x2x16xf32>, tensor<1x8x2x16xf32>,
      tensor<1x8x4x16xf32>, tensor<1x8xf32>, tensor<1x8xi64>, tensor<1x8xi64>
  return
}
