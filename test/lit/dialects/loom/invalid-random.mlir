// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of the random family (random_fold_in, random_uniform,
/// random_normal).

func.func @negative_random_uniform_missing_size(%key: tensor<i64>) {
  // expected-error @+1 {{'loom.random_uniform' op needs 1 dynamic dim sizes, got 0}}
  %0 = loom.random_uniform %key : tensor<?x64xf32, #loom.bounds<[512, 64]>>
  return
}

// -----

func.func @negative_random_uniform_extra_size(%key: tensor<i64>, %n: index) {
  // expected-error @+1 {{'loom.random_uniform' op needs 0 dynamic dim sizes, got 1}}
  %0 = loom.random_uniform %key sizes(%n) : tensor<2x64xf32>
  return
}

// -----

func.func @negative_random_normal_missing_size(%key: tensor<i64>, %n: index) {
  // expected-error @+1 {{'loom.random_normal' op needs 2 dynamic dim sizes, got 1}}
  %0 = loom.random_normal %key sizes(%n) : tensor<?x?xf32, #loom.bounds<[8, 8]>>
  return
}

// -----

/// Draws are floats; integer noise is a cast of them.
func.func @negative_random_uniform_int(%key: tensor<i64>) {
  // expected-error @+1 {{'loom.random_uniform' op result #0 must be ranked tensor of 64-bit float or 32-bit float or bfloat16 type or 16-bit float values, but got 'tensor<4xi32>'}}
  %0 = loom.random_uniform %key : tensor<4xi32>
  return
}

// -----

/// A key is one 64-bit scalar (Philox's two key words).
func.func @negative_random_normal_key_shape(%key: tensor<2xi64>) {
  // expected-error @+1 {{'loom.random_normal' op operand #0 must be 0D tensor of 64-bit signless integer values, but got 'tensor<2xi64>'}}
  %0 = "loom.random_normal"(%key) : (tensor<2xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @negative_random_fold_in_key_type(%key: tensor<i32>) {
  // expected-error @+1 {{'loom.random_fold_in' op operand #0 must be 0D tensor of 64-bit signless integer values, but got 'tensor<i32>'}}
  %0 = loom.random_fold_in %key, %key : tensor<i32>
  return
}
