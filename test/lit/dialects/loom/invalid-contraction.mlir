// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of the contraction family (matmul, linear), the
/// accumulation-type checks they share included.

func.func @negative_matmul_rank1(%a: tensor<4xf32>) {
  // expected-error @+1 {{'loom.matmul' op operands need equal ranks of at least 2, got 1 and 1}}
  %0 = loom.matmul %a, %a acc(f32) : tensor<4xf32>, tensor<4xf32>
  return
}

// -----

/// Batch dims are not broadcast: both operands carry them.
func.func @negative_matmul_ranks_differ(%a: tensor<2x4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op operands need equal ranks of at least 2, got 3 and 2}}
  %0 = loom.matmul %a, %b acc(f32) : tensor<2x4x8xf32>, tensor<8x4xf32>
  return
}

// -----

/// Mixed precision is an explicit cast, not an implicit promotion.
func.func @negative_matmul_element_types(%a: tensor<4x8xbf16>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op operand element types differ: 'bf16' and 'f32'}}
  %0 = loom.matmul %a, %b acc(f32) : tensor<4x8xbf16>, tensor<8x4xf32>
  return
}

// -----

func.func @negative_matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op batch dim 0 differs: 2 vs 3}}
  %0 = loom.matmul %a, %b acc(f32) : tensor<2x4x8xf32>, tensor<3x8x4xf32>
  return
}

// -----

func.func @negative_matmul_contraction(%a: tensor<4x8xf32>, %b: tensor<16x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op contraction dims differ: lhs has 8, rhs has 16}}
  %0 = loom.matmul %a, %b acc(f32) : tensor<4x8xf32>, tensor<16x4xf32>
  return
}

// -----

/// transpose_rhs reads rhs as [n, k]: the k of [8, 4] is 4.
func.func @negative_matmul_contraction_transposed(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op contraction dims differ: lhs has 8, rhs has 4}}
  %0 = loom.matmul %a, %b transpose_rhs acc(f32) : tensor<4x8xf32>, tensor<8x4xf32>
  return
}

// -----

/// Two bounded dims with different bounds are different dims.
func.func @negative_matmul_contraction_bounds(%a: tensor<4x?xf32, #loom.bounds<[4, 8]>>, %b: tensor<?x4xf32, #loom.bounds<[16, 4]>>) {
  // expected-error @+1 {{'loom.matmul' op contraction dims differ: lhs has ?<=8, rhs has ?<=16}}
  %0 = loom.matmul %a, %b acc(f32) : tensor<4x?xf32, #loom.bounds<[4, 8]>>, tensor<?x4xf32, #loom.bounds<[16, 4]>>
  return
}

// -----

func.func @negative_matmul_acc_int_for_float(%a: tensor<4x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op accumulation type 'i32' does not suit 'f32' elements (floats accumulate in a float type, integers in an integer type)}}
  %0 = loom.matmul %a, %a acc(i32) : tensor<4x4xf32>, tensor<4x4xf32>
  return
}

// -----

func.func @negative_matmul_acc_float_for_int(%a: tensor<4x4xi8>) {
  // expected-error @+1 {{'loom.matmul' op accumulation type 'f32' does not suit 'i8' elements (floats accumulate in a float type, integers in an integer type)}}
  %0 = loom.matmul %a, %a acc(f32) : tensor<4x4xi8>, tensor<4x4xi8>
  return
}

// -----

func.func @negative_matmul_acc_narrow(%a: tensor<4x4xf32>) {
  // expected-error @+1 {{'loom.matmul' op accumulation type 'bf16' is narrower than the 'f32' elements}}
  %0 = loom.matmul %a, %a acc(bf16) : tensor<4x4xf32>, tensor<4x4xf32>
  return
}

// -----

/// An accumulation type is one of f64, f32, bf16, f16, i64, i32.
func.func @negative_matmul_acc_i8(%a: tensor<4x4xi8>) {
  // expected-error @+1 {{'loom.matmul' op attribute 'acc' failed to satisfy constraint: type attribute of 64-bit float or 32-bit float or bfloat16 type or 16-bit float or 64-bit signless integer or 32-bit signless integer}}
  %0 = loom.matmul %a, %a acc(i8) : tensor<4x4xi8>, tensor<4x4xi8>
  return
}

// -----

func.func @negative_linear_weight_rank(%x: tensor<2x4xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'loom.linear' op needs an input of rank >= 1 and a weight [out, in], got ranks 2 and 1}}
  %0 = loom.linear %x, %w acc(f32) : tensor<2x4xf32>, tensor<4xf32>
  return
}

// -----

func.func @negative_linear_input_rank0(%x: tensor<f32>, %w: tensor<4x1xf32>) {
  // expected-error @+1 {{'loom.linear' op needs an input of rank >= 1 and a weight [out, in], got ranks 0 and 2}}
  %0 = loom.linear %x, %w acc(f32) : tensor<f32>, tensor<4x1xf32>
  return
}

// -----

func.func @negative_linear_element_types(%x: tensor<2x4xbf16>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'loom.linear' op input and weight element types differ: 'bf16' and 'f32'}}
  %0 = loom.linear %x, %w acc(f32) : tensor<2x4xbf16>, tensor<8x4xf32>
  return
}

// -----

/// The weight is [out, in] (PyTorch's layout), not [in, out].
func.func @negative_linear_in_features(%x: tensor<2x4xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.linear' op input features 4 differ from the weight's in-features 8}}
  %0 = loom.linear %x, %w acc(f32) : tensor<2x4xf32>, tensor<4x8xf32>
  return
}

// -----

func.func @negative_linear_bias_shape(%x: tensor<2x4xf32>, %w: tensor<8x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'loom.linear' op bias must be [8] of 'f32', got 'tensor<4xf32>'}}
  %0 = loom.linear %x, %w bias(%b : tensor<4xf32>) acc(f32) : tensor<2x4xf32>, tensor<8x4xf32>
  return
}

// -----

func.func @negative_linear_bias_element_type(%x: tensor<2x4xbf16>, %w: tensor<8x4xbf16>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'loom.linear' op bias must be [8] of 'bf16', got 'tensor<8xf32>'}}
  %0 = loom.linear %x, %w bias(%b : tensor<8xf32>) acc(f32) : tensor<2x4xbf16>, tensor<8x4xbf16>
  return
}

// -----

func.func @negative_linear_acc_narrow(%x: tensor<2x4xi64>, %w: tensor<8x4xi64>) {
  // expected-error @+1 {{'loom.linear' op accumulation type 'i32' is narrower than the 'i64' elements}}
  %0 = loom.linear %x, %w acc(i32) : tensor<2x4xi64>, tensor<8x4xi64>
  return
}

// -----

func.func @negative_linear_acc_kind(%x: tensor<2x4xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{'loom.linear' op accumulation type 'i64' does not suit 'f16' elements (floats accumulate in a float type, integers in an integer type)}}
  %0 = loom.linear %x, %w acc(i64) : tensor<2x4xf16>, tensor<8x4xf16>
  return
}

// -----

/// A product of booleans has no accumulation type; builders cast first.
func.func @negative_matmul_i1(%a: tensor<2x2xi1>) {
  // expected-error @+1 {{cannot accumulate i1 elements; cast them to a number first}}
  %0 = loom.matmul %a, %a acc(i32) : tensor<2x2xi1>, tensor<2x2xi1>
  return
}
