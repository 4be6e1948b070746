// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of the norm family (rms_norm, layer_norm, rope).

func.func @negative_rms_norm_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'loom.rms_norm' op needs an input of rank >= 1}}
  %0:2 = loom.rms_norm %x {epsilon = 1.0e-05 : f64} : tensor<f32>
  return
}

// -----

func.func @negative_rms_norm_weight(%x: tensor<4x64xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'loom.rms_norm' op weight and bias must be [64] (the normalized dim), got 'tensor<4xf32>'}}
  %0:2 = loom.rms_norm %x weight(%w : tensor<4xf32>) {epsilon = 1.0e-05 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_rms_norm_epsilon(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'loom.rms_norm' op epsilon must be >= 0, got -1.000000e-05}}
  %0:2 = loom.rms_norm %x {epsilon = -1.0e-05 : f64} : tensor<4x64xf32>
  return
}

// -----

/// NaN is not >= 0.
func.func @negative_rms_norm_epsilon_nan(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'loom.rms_norm' op epsilon must be >= 0, got nan}}
  %0:2 = loom.rms_norm %x {epsilon = 0x7FF8000000000000 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_rms_norm_int(%x: tensor<4x64xi32>) {
  // expected-error @+1 {{'loom.rms_norm' op operand #0 must be ranked tensor of 64-bit float or 32-bit float or bfloat16 type or 16-bit float values, but got 'tensor<4x64xi32>'}}
  %0:2 = loom.rms_norm %x {epsilon = 1.0e-05 : f64} : tensor<4x64xi32>
  return
}

// -----

func.func @negative_layer_norm_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'loom.layer_norm' op needs an input of rank >= 1}}
  %0:3 = loom.layer_norm %x {epsilon = 1.0e-05 : f64} : tensor<f32>
  return
}

// -----

func.func @negative_layer_norm_bias(%x: tensor<4x64xf32>, %w: tensor<64xf32>, %b: tensor<1x64xf32>) {
  // expected-error @+1 {{'loom.layer_norm' op weight and bias must be [64] (the normalized dim), got 'tensor<1x64xf32>'}}
  %0:3 = loom.layer_norm %x weight(%w : tensor<64xf32>) bias(%b : tensor<1x64xf32>) {epsilon = 1.0e-05 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_epsilon(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'loom.layer_norm' op epsilon must be >= 0, got -1.000000e+00}}
  %0:3 = loom.layer_norm %x {epsilon = -1.0 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_rope_rank(%x: tensor<2x64x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.rope' op needs input [B, S, H, D], got rank 3}}
  %0 = loom.rope %x positions(%p : tensor<2x64xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x64x16xf32>
  return
}

// -----

func.func @negative_rope_positions(%x: tensor<2x64x4x16xf32>, %p: tensor<64xi64>) {
  // expected-error @+1 {{'loom.rope' op positions must be [B, S] = [2, 64], got [64]}}
  %0 = loom.rope %x positions(%p : tensor<64xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x64x4x16xf32>
  return
}

// -----

/// Pairs of elements rotate together, so the head dim is even.
func.func @negative_rope_odd_head_dim(%x: tensor<2x64x4x15xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.rope' op head dim must be static and even, got 15}}
  %0 = loom.rope %x positions(%p : tensor<2x64xi64>) layout(interleaved) {theta = 1.0e+04 : f64} : tensor<2x64x4x15xf32>
  return
}

// -----

func.func @negative_rope_dynamic_head_dim(%x: tensor<2x64x4x?xf32, #loom.bounds<[2, 64, 4, 16]>>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.rope' op head dim must be static and even, got ?<=16}}
  %0 = loom.rope %x positions(%p : tensor<2x64xi64>) layout(interleaved) {theta = 1.0e+04 : f64}
      : tensor<2x64x4x?xf32, #loom.bounds<[2, 64, 4, 16]>>
  return
}

// -----

func.func @negative_rope_theta(%x: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{'loom.rope' op theta must be > 0, got 0.000000e+00}}
  %0 = loom.rope %x positions(%p : tensor<2x64xi64>) layout(half_split) {theta = 0.0 : f64} : tensor<2x64x4x16xf32>
  return
}

// -----

func.func @negative_rope_float_positions(%x: tensor<2x64x4x16xf32>, %p: tensor<2x64xf32>) {
  // expected-error @+1 {{'loom.rope' op operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<2x64xf32>'}}
  %0 = loom.rope %x positions(%p : tensor<2x64xf32>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x64x4x16xf32>
  return
}

// -----

func.func @negative_rope_layout(%x: tensor<2x64x4x16xf32>, %p: tensor<2x64xi64>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'layout' [interleaved, half_split]}}
  %0 = loom.rope %x positions(%p : tensor<2x64xi64>) layout(rotate) {theta = 1.0e+04 : f64} : tensor<2x64x4x16xf32>
  return
}

// -----

/// bf16 data keeps its statistics in f32, per row.
func.func @negative_rms_norm_grad_statistics(%x: tensor<2x8x64xbf16>, %r: tensor<2x8xbf16>) {
  // expected-error @+1 {{statistics must be 'tensor<2x8xf32>' (the input's rows), got 'tensor<2x8xbf16>'}}
  %dx = loom.rms_norm_grad %x, %r, %x : tensor<2x8x64xbf16>, tensor<2x8xbf16>
  return
}
