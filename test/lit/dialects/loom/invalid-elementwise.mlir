// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of the elementwise family (unary, binary, floor_mod,
/// compare, select, cast, broadcast).

func.func @negative_unary_not_float(%x: tensor<4xf32>) {
  /// `not` is bitwise: floats have no bits to flip in its sense.
  // expected-error @+1 {{'loom.unary' op kind 'not' needs integer or i1 elements, got 'f32'}}
  %0 = loom.unary not %x : tensor<4xf32>
  return
}

// -----

func.func @negative_unary_exp_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'loom.unary' op kind 'exp' needs float elements, got 'i32'}}
  %0 = loom.unary exp %x : tensor<4xi32>
  return
}

// -----

/// floor and ceil are float-only kinds, so i1 is refused like any integer.
func.func @negative_unary_floor_i1(%x: tensor<4xi1>) {
  // expected-error @+1 {{'loom.unary' op kind 'floor' needs float elements, got 'i1'}}
  %0 = loom.unary floor %x : tensor<4xi1>
  return
}

// -----

/// i16 is not a loom element type (DESIGN.md §4).
func.func @negative_unary_i16(%x: tensor<4xi16>) {
  // expected-error @+1 {{'loom.unary' op operand #0 must be ranked tensor of 64-bit float or 32-bit float or bfloat16 type or 16-bit float or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer or 1-bit signless integer values, but got 'tensor<4xi16>'}}
  %0 = loom.unary neg %x : tensor<4xi16>
  return
}

// -----

func.func @negative_binary_div_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'loom.binary' op kind 'div' needs float elements, got 'i32'}}
  %0 = loom.binary div %x, %x : tensor<4xi32>
  return
}

// -----

func.func @negative_binary_pow_int(%x: tensor<4xi64>) {
  // expected-error @+1 {{'loom.binary' op kind 'pow' needs float elements, got 'i64'}}
  %0 = loom.binary pow %x, %x : tensor<4xi64>
  return
}

// -----

func.func @negative_binary_atan2_int(%x: tensor<4xi8>) {
  // expected-error @+1 {{'loom.binary' op kind 'atan2' needs float elements, got 'i8'}}
  %0 = loom.binary atan2 %x, %x : tensor<4xi8>
  return
}

// -----

func.func @negative_binary_and_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.binary' op bitwise kind 'and' needs integer or i1 elements, got 'f32'}}
  %0 = loom.binary and %x, %x : tensor<4xf32>
  return
}

// -----

func.func @negative_binary_or_float(%x: tensor<4xbf16>) {
  // expected-error @+1 {{'loom.binary' op bitwise kind 'or' needs integer or i1 elements, got 'bf16'}}
  %0 = loom.binary or %x, %x : tensor<4xbf16>
  return
}

// -----

func.func @negative_binary_xor_float(%x: tensor<4xf64>) {
  // expected-error @+1 {{'loom.binary' op bitwise kind 'xor' needs integer or i1 elements, got 'f64'}}
  %0 = loom.binary xor %x, %x : tensor<4xf64>
  return
}

// -----

/// Broadcasting is explicit: operands of different shapes are refused.
func.func @negative_binary_shapes(%a: tensor<4xf32>, %b: tensor<1xf32>) {
  // expected-error @+1 {{'loom.binary' op requires the same type for all operands and results}}
  %0 = "loom.binary"(%a, %b) <{kind = 0 : i32}> : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @negative_floor_mod_types(%a: tensor<4xi64>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'loom.floor_mod' op requires the same type for all operands and results}}
  %0 = "loom.floor_mod"(%a, %b) : (tensor<4xi64>, tensor<4xi32>) -> tensor<4xi64>
  return
}

// -----

func.func @negative_compare_types(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'loom.compare' op failed to verify that all of {lhs, rhs} have same type}}
  %0 = "loom.compare"(%a, %b) <{predicate = 0 : i32}> : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xi1>
  return
}

// -----

/// The result of a comparison is i1.
func.func @negative_compare_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{'loom.compare' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = "loom.compare"(%a, %a) <{predicate = 0 : i32}> : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @negative_select_shape(%m: tensor<8xi1>, %x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.select' op condition shape [8] differs from the value shape [4]}}
  %0 = loom.select %m, %x, %x : tensor<8xi1>, tensor<4xf32>
  return
}

// -----

/// Bounds are part of the shape: [?<=8] is not [?<=4].
func.func @negative_select_bounds(%m: tensor<?xi1, #loom.bounds<[8]>>, %x: tensor<?xf32, #loom.bounds<[4]>>) {
  // expected-error @+1 {{'loom.select' op condition shape [?<=8] differs from the value shape [?<=4]}}
  %0 = loom.select %m, %x, %x : tensor<?xi1, #loom.bounds<[8]>>, tensor<?xf32, #loom.bounds<[4]>>
  return
}

// -----

func.func @negative_select_condition_type(%m: tensor<4xi8>, %x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.select' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = loom.select %m, %x, %x : tensor<4xi8>, tensor<4xf32>
  return
}

// -----

func.func @negative_select_value_types(%m: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xbf16>) {
  // expected-error @+1 {{'loom.select' op failed to verify that all of {on_true, on_false} have same type}}
  %0 = "loom.select"(%m, %a, %b) : (tensor<4xi1>, tensor<4xf32>, tensor<4xbf16>) -> tensor<4xf32>
  return
}

// -----

func.func @negative_cast_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.cast' op changes the shape from [4] to [8]; a cast only converts elements}}
  %0 = loom.cast %x : tensor<4xf32> to tensor<8xbf16>
  return
}

// -----

/// A cast keeps bounds; changing one is a shape change.
func.func @negative_cast_bounds(%x: tensor<?xf32, #loom.bounds<[8]>>) {
  // expected-error @+1 {{'loom.cast' op changes the shape from [?<=8] to [?<=16]; a cast only converts elements}}
  %0 = loom.cast %x : tensor<?xf32, #loom.bounds<[8]>> to tensor<?xf32, #loom.bounds<[16]>>
  return
}

// -----

func.func @negative_broadcast_element_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op changes the element type from 'f32' to 'bf16'}}
  %0 = loom.broadcast %x dims [1] : tensor<4xf32> -> tensor<2x4xbf16>
  return
}

// -----

func.func @negative_broadcast_dims_count(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op has 2 entries in 'dims' for an operand of rank 1}}
  %0 = loom.broadcast %x dims [0, 1] : tensor<4xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @negative_broadcast_dim_out_of_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op maps operand dim 0 to result dim 2, outside the result's rank 2}}
  %0 = loom.broadcast %x dims [2] : tensor<4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @negative_broadcast_dim_negative(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op maps operand dim 0 to result dim -1, outside the result's rank 2}}
  %0 = loom.broadcast %x dims [-1] : tensor<4xf32> -> tensor<3x4xf32>
  return
}

// -----

/// A broadcast never transposes: dims keep the operand's order.
func.func @negative_broadcast_not_increasing(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op 'dims' must be strictly increasing}}
  %0 = loom.broadcast %x dims [1, 0] : tensor<4x4xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @negative_broadcast_extent(%x: tensor<4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op operand dim 0 (4) differs from result dim 1 (8)}}
  %0 = loom.broadcast %x dims [1] : tensor<4xf32> -> tensor<2x8xf32>
  return
}

// -----

/// An operand dim of extent 1 is not stretched: broadcasting adds dims.
func.func @negative_broadcast_stretch(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'loom.broadcast' op operand dim 0 (1) differs from result dim 0 (3)}}
  %0 = loom.broadcast %x dims [0, 1] : tensor<1x4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @negative_broadcast_missing_size(%x: tensor<64xf32>) {
  // expected-error @+1 {{'loom.broadcast' op needs 1 dynamic dim sizes for its new dynamic dims, got 0}}
  %0 = loom.broadcast %x dims [1] : tensor<64xf32> -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
  return
}

// -----

/// A dynamic dim mapped from the operand takes the operand's size, not one
/// from `sizes`.
func.func @negative_broadcast_extra_size(%x: tensor<?xf32, #loom.bounds<[16]>>, %n: index) {
  // expected-error @+1 {{'loom.broadcast' op needs 0 dynamic dim sizes for its new dynamic dims, got 1}}
  %0 = loom.broadcast %x dims [0] sizes(%n) : tensor<?xf32, #loom.bounds<[16]>> -> tensor<?x4xf32, #loom.bounds<[16, 4]>>
  return
}

// -----

func.func @negative_floor_mod_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{needs numbers; i1 has no remainder}}
  %0 = loom.floor_mod %a, %a : tensor<4xi1>
  return
}
