// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// The #loom.bounds encoding and the bounded-shape invariant every loom op
/// keeps (DESIGN.md §4): each dynamic dim of a loom operand or result has a
/// static bound.

func.func @negative_operand_without_bounds(%x: tensor<?x64xf32>) {
  // expected-error @+1 {{'loom.unary' op operand #0 has dynamic dim 0 without a static bound (give the tensor a #loom.bounds encoding)}}
  %0 = loom.unary exp %x : tensor<?x64xf32>
  return
}

// -----

/// Inference must not invent a bound for an unbounded operand: the result is
/// plain tensor<?xi1> (it parses against the written return type), and the
/// operand is what gets reported.
func.func @negative_inferred_from_unbounded(%x: tensor<?xf32>) -> tensor<?xi1> {
  // expected-error @+1 {{'loom.compare' op operand #0 has dynamic dim 0 without a static bound (give the tensor a #loom.bounds encoding)}}
  %0 = loom.compare lt %x, %x : tensor<?xf32>
  return %0 : tensor<?xi1>
}

// -----

/// Concatenating an unbounded input with a bounded one keeps the result
/// unbounded rather than adding to a missing bound.
func.func @negative_concat_unbounded(%a: tensor<?xf32, #loom.bounds<[4]>>, %b: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'loom.concat' op operand #1 has dynamic dim 0 without a static bound (give the tensor a #loom.bounds encoding)}}
  %0 = loom.concat %a, %b dim 0 : tensor<?xf32, #loom.bounds<[4]>>, tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @negative_result_without_bounds(%n: index) {
  // expected-error @+1 {{'loom.iota' op result #0 has dynamic dim 0 without a static bound (give the tensor a #loom.bounds encoding)}}
  %0 = loom.iota dim 0 sizes(%n) : tensor<?xi64>
  return
}

// -----

// expected-error @+1 {{#loom.bounds has 1 bounds for a tensor of rank 2}}
func.func @negative_bound_count(%x: tensor<?x64xf32, #loom.bounds<[512]>>) {
  return
}

// -----

// expected-error @+1 {{#loom.bounds: bound 32 of static dim 1 differs from its size 64}}
func.func @negative_static_bound_mismatch(%x: tensor<?x64xf32, #loom.bounds<[512, 32]>>) {
  return
}

// -----

// expected-error @+1 {{#loom.bounds: bound 0 is negative (-1)}}
func.func @negative_bound_negative(%x: tensor<?x64xf32, #loom.bounds<[-1, 64]>>) {
  return
}

// -----

/// A dynamic dim of bound 0 could only ever be empty: it is static 0.
// expected-error @+1 {{#loom.bounds: dynamic dim 0 needs a bound of at least 1}}
func.func @negative_dynamic_bound_zero(%x: tensor<?x64xf32, #loom.bounds<[0, 64]>>) {
  return
}

// -----

func.func @negative_operand_foreign_encoding(%x: tensor<4xf32, "rows">) {
  // expected-error @+1 {{'loom.unary' op operand #0 has an encoding that is not #loom.bounds: "rows"}}
  %0 = loom.unary exp %x : tensor<4xf32, "rows">
  return
}

// -----

func.func @negative_result_foreign_encoding(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.cast' op result #0 has an encoding that is not #loom.bounds: "rows"}}
  %0 = loom.cast %x : tensor<4xf32> to tensor<4xbf16, "rows">
  return
}

// -----

/// Each shape has one spelling: inference never bounds a static tensor, so an
/// encoded static tensor would not match the same inferred shape.
// expected-error @+1 {{#loom.bounds on a tensor without dynamic dims; a static tensor carries no encoding}}
func.func @negative_static_with_bounds(%x: tensor<4x64xf32, #loom.bounds<[4, 64]>>) {
  return
}
