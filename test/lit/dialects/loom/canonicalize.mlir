// RUN: loom-opt %s --split-input-file --canonicalize | FileCheck %s
// RUN: loom-opt %s --split-input-file --loom-test-pass-equivalence="pipeline=canonicalize" -o /dev/null

/// IEEE-correct folds of the loom dialect. Every float rule holds for all
/// inputs, NaN, ±inf and ±0 included; each exception has a `no_fold_` case.

/// [Pattern: x · 1 → x] exact for every float, and for integers.
// CHECK-LABEL: func.func @mul_by_one_f32
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
//   CHECK-NOT: loom.binary
//       CHECK: return %[[X]]
func.func @mul_by_one_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = loom.constant dense<1.0> : tensor<4xf32>
  %y = loom.binary mul %x, %one : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// [Pattern: 1 · x → x] the commuted form.
// CHECK-LABEL: func.func @one_times_x_bf16
//  CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>)
//       CHECK: return %[[X]]
func.func @one_times_x_bf16(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %one = loom.constant dense<1.0> : tensor<4xbf16>
  %y = loom.binary mul %one, %x : tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @mul_by_one_i64
//  CHECK-SAME: (%[[X:.*]]: tensor<4xi64>)
//       CHECK: return %[[X]]
func.func @mul_by_one_i64(%x: tensor<4xi64>) -> tensor<4xi64> {
  %one = loom.constant dense<1> : tensor<4xi64>
  %y = loom.binary mul %x, %one : tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

/// x · 0 is not 0: NaN · 0 = NaN, inf · 0 = NaN, −1 · 0 = −0.
// CHECK-LABEL: func.func @no_fold_mul_by_zero_f32
//       CHECK: loom.binary mul
func.func @no_fold_mul_by_zero_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = loom.constant dense<0.0> : tensor<4xf32>
  %y = loom.binary mul %x, %zero : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// x · 1.5 changes x; only an exact 1 folds.
// CHECK-LABEL: func.func @no_fold_mul_by_non_one
//       CHECK: loom.binary mul
func.func @no_fold_mul_by_non_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = loom.constant dense<1.5> : tensor<4xf32>
  %y = loom.binary mul %x, %c : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// A non-splat constant is not the identity even if it holds ones somewhere.
// CHECK-LABEL: func.func @no_fold_mul_by_non_splat
//       CHECK: loom.binary mul
func.func @no_fold_mul_by_non_splat(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = loom.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = loom.binary mul %x, %c : tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

/// [Pattern: x / 1 → x]
// CHECK-LABEL: func.func @div_by_one_f16
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf16>)
//       CHECK: return %[[X]]
func.func @div_by_one_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %one = loom.constant dense<1.0> : tensor<4xf16>
  %y = loom.binary div %x, %one : tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

/// 1 / x is a reciprocal, not x.
// CHECK-LABEL: func.func @no_fold_one_div_x
//       CHECK: loom.binary div
func.func @no_fold_one_div_x(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = loom.constant dense<1.0> : tensor<4xf32>
  %y = loom.binary div %one, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// [Pattern: x + (−0.0) → x] exact: −0 + −0 = −0, +0 + −0 = +0.
// CHECK-LABEL: func.func @add_negative_zero_f64
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf64>)
//       CHECK: return %[[X]]
func.func @add_negative_zero_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  %nz = loom.constant dense<-0.0> : tensor<4xf64>
  %y = loom.binary add %x, %nz : tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @negative_zero_add_x
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
//       CHECK: return %[[X]]
func.func @negative_zero_add_x(%x: tensor<4xf32>) -> tensor<4xf32> {
  %nz = loom.constant dense<-0.0> : tensor<4xf32>
  %y = loom.binary add %nz, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// x + 0.0 is not x: −0.0 + 0.0 = +0.0.
// CHECK-LABEL: func.func @no_fold_add_positive_zero
//       CHECK: loom.binary add
func.func @no_fold_add_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = loom.constant dense<0.0> : tensor<4xf32>
  %y = loom.binary add %x, %z : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// Integers have one zero: x + 0 → x.
// CHECK-LABEL: func.func @add_zero_i32
//  CHECK-SAME: (%[[X:.*]]: tensor<4xi32>)
//       CHECK: return %[[X]]
func.func @add_zero_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  %z = loom.constant dense<0> : tensor<4xi32>
  %y = loom.binary add %x, %z : tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

/// [Pattern: x − (+0.0) → x] exact: −0 − +0 = −0.
// CHECK-LABEL: func.func @sub_positive_zero
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
//       CHECK: return %[[X]]
func.func @sub_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = loom.constant dense<0.0> : tensor<4xf32>
  %y = loom.binary sub %x, %z : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// x − (−0.0) = x + 0.0, which turns −0 into +0.
// CHECK-LABEL: func.func @no_fold_sub_negative_zero
//       CHECK: loom.binary sub
func.func @no_fold_sub_negative_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %nz = loom.constant dense<-0.0> : tensor<4xf32>
  %y = loom.binary sub %x, %nz : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// x − x is not 0: NaN − NaN = NaN, inf − inf = NaN.
// CHECK-LABEL: func.func @no_fold_sub_self
//       CHECK: loom.binary sub
func.func @no_fold_sub_self(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = loom.binary sub %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// 0 − x is a negation, not x.
// CHECK-LABEL: func.func @no_fold_zero_sub_x
//       CHECK: loom.binary sub
func.func @no_fold_zero_sub_x(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = loom.constant dense<0.0> : tensor<4xf32>
  %y = loom.binary sub %z, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// [Pattern: transpose(transpose(x, p), q) → transpose(x, p ∘ q)]
// CHECK-LABEL: func.func @transpose_of_transpose
//  CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
//       CHECK: %[[T:.*]] = loom.transpose %[[X]] perm [1, 0, 2] : tensor<2x3x4xf32>
//       CHECK: return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %a = loom.transpose %x perm [1, 2, 0] : tensor<2x3x4xf32>
  %b = loom.transpose %a perm [0, 2, 1] : tensor<3x4x2xf32>
  return %b : tensor<3x2x4xf32>
}

// -----

/// A transpose and its inverse cancel.
// CHECK-LABEL: func.func @transpose_inverse_cancels
//  CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
//   CHECK-NOT: loom.transpose
//       CHECK: return %[[X]]
func.func @transpose_inverse_cancels(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = loom.transpose %x perm [1, 0] : tensor<2x3xf32>
  %b = loom.transpose %a perm [1, 0] : tensor<3x2xf32>
  return %b : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
//  CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
//       CHECK: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = loom.transpose %x perm [0, 1] : tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}

// -----

/// A single non-identity transpose stays.
// CHECK-LABEL: func.func @no_fold_transpose_single
//       CHECK: loom.transpose
func.func @no_fold_transpose_single(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %a = loom.transpose %x perm [1, 0] : tensor<2x3xf32>
  return %a : tensor<3x2xf32>
}

// -----

/// [Pattern: reshape(reshape(x)) → reshape(x)] row-major order makes the
/// middle shape irrelevant.
// CHECK-LABEL: func.func @reshape_of_reshape
//  CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
//       CHECK: %[[R:.*]] = loom.reshape %[[X]] : tensor<2x6xf32> -> tensor<3x4xf32>
//       CHECK: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %a = loom.reshape %x : tensor<2x6xf32> -> tensor<12xf32>
  %b = loom.reshape %a : tensor<12xf32> -> tensor<3x4xf32>
  return %b : tensor<3x4xf32>
}

// -----

/// Reshaping back to the original shape is the identity.
// CHECK-LABEL: func.func @reshape_round_trip
//  CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
//   CHECK-NOT: loom.reshape
//       CHECK: return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x6xf32>) -> tensor<2x6xf32> {
  %a = loom.reshape %x : tensor<2x6xf32> -> tensor<12xf32>
  %b = loom.reshape %a : tensor<12xf32> -> tensor<2x6xf32>
  return %b : tensor<2x6xf32>
}

// -----

/// Bounded reshapes keep the outer reshape's run-time size.
// CHECK-LABEL: func.func @reshape_of_reshape_bounded
//  CHECK-SAME: (%[[X:.*]]: tensor<?x4x16xf32, #loom.bounds<[8, 4, 16]>>, %[[N:.*]]: index, %[[M:.*]]: index)
//       CHECK: %[[R:.*]] = loom.reshape %[[X]] sizes(%[[M]])
//       CHECK: return %[[R]]
func.func @reshape_of_reshape_bounded(%x: tensor<?x4x16xf32, #loom.bounds<[8, 4, 16]>>, %n: index, %m: index)
    -> tensor<?xf32, #loom.bounds<[512]>> {
  %a = loom.reshape %x sizes(%n) : tensor<?x4x16xf32, #loom.bounds<[8, 4, 16]>> -> tensor<?x64xf32, #loom.bounds<[8, 64]>>
  %b = loom.reshape %a sizes(%m) : tensor<?x64xf32, #loom.bounds<[8, 64]>> -> tensor<?xf32, #loom.bounds<[512]>>
  return %b : tensor<?xf32, #loom.bounds<[512]>>
}

// -----

/// A reshape of a constant folds into the constant.
// CHECK-LABEL: func.func @reshape_of_constant
//       CHECK: %[[C:.*]] = loom.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
//       CHECK: return %[[C]]
func.func @reshape_of_constant() -> tensor<2x2xi32> {
  %c = loom.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %r = loom.reshape %c : tensor<4xi32> -> tensor<2x2xi32>
  return %r : tensor<2x2xi32>
}

// -----

/// A cast to the same type is the identity.
// CHECK-LABEL: func.func @cast_same_type
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
//       CHECK: return %[[X]]
func.func @cast_same_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = loom.cast %x : tensor<4xf32> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// A narrowing cast rounds: never folded away.
// CHECK-LABEL: func.func @no_fold_cast_round_trip
//       CHECK: loom.cast
//       CHECK: loom.cast
func.func @no_fold_cast_round_trip(%x: tensor<4xf32>) -> tensor<4xf32> {
  %h = loom.cast %x : tensor<4xf32> to tensor<4xbf16>
  %y = loom.cast %h : tensor<4xbf16> to tensor<4xf32>
  return %y : tensor<4xf32>
}
