// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of the data-movement family (gather, scatter_add, reshape,
/// transpose, slice, concat, iota, constant).

func.func @negative_gather_axis(%t: tensor<260x64xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.gather' op axis 2 is out of range for a source of rank 2}}
  %0 = loom.gather %t[%i] axis 2 : tensor<260x64xf32>, tensor<4xi64>
  return
}

// -----

func.func @negative_gather_axis_negative(%t: tensor<260x64xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.gather' op axis -1 is out of range for a source of rank 2}}
  %0 = loom.gather %t[%i] axis -1 : tensor<260x64xf32>, tensor<4xi64>
  return
}

// -----

func.func @negative_gather_float_indices(%t: tensor<260x64xf32>, %i: tensor<4xf32>) {
  // expected-error @+1 {{'loom.gather' op operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = loom.gather %t[%i] axis 0 : tensor<260x64xf32>, tensor<4xf32>
  return
}

// -----

func.func @negative_scatter_add_axis(%u: tensor<4x64xf32>, %d: tensor<260x64xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.scatter_add' op axis 2 is out of range for a dest of rank 2}}
  %0 = loom.scatter_add %u into %d[%i] axis 2 : tensor<4x64xf32>, tensor<260x64xf32>, tensor<4xi64>
  return
}

// -----

func.func @negative_scatter_add_element_type(%u: tensor<4x64xbf16>, %d: tensor<260x64xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.scatter_add' op updates element type 'bf16' differs from the dest's 'f32'}}
  %0 = loom.scatter_add %u into %d[%i] axis 0 : tensor<4x64xbf16>, tensor<260x64xf32>, tensor<4xi64>
  return
}

// -----

/// Updates have the shape gather would return: [4] + [64].
func.func @negative_scatter_add_shape(%u: tensor<4x32xf32>, %d: tensor<260x64xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.scatter_add' op updates shape [4, 32] differs from the gathered shape [4, 64]}}
  %0 = loom.scatter_add %u into %d[%i] axis 0 : tensor<4x32xf32>, tensor<260x64xf32>, tensor<4xi64>
  return
}

// -----

func.func @negative_scatter_add_i1(%u: tensor<4xi1>, %d: tensor<8xi1>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.scatter_add' op cannot add i1 elements}}
  %0 = loom.scatter_add %u into %d[%i] axis 0 : tensor<4xi1>, tensor<8xi1>, tensor<4xi64>
  return
}

// -----

func.func @negative_reshape_element_type(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'loom.reshape' op changes the element type from 'f32' to 'bf16'}}
  %0 = loom.reshape %x : tensor<4x4xf32> -> tensor<16xbf16>
  return
}

// -----

func.func @negative_reshape_missing_size(%x: tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>) {
  // expected-error @+1 {{'loom.reshape' op needs 1 dynamic dim sizes, got 0}}
  %0 = loom.reshape %x : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>> -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
  return
}

// -----

func.func @negative_reshape_count(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'loom.reshape' op changes the element count from 16 to 15}}
  %0 = loom.reshape %x : tensor<4x4xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @negative_reshape_bounded_count(%x: tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>, %n: index) {
  // expected-error @+1 {{'loom.reshape' op bounded element counts differ: [?<=512, 4, 16] holds up to 32768, [?<=256, 64] up to 16384}}
  %0 = loom.reshape %x sizes(%n) : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>> -> tensor<?x64xf32, #loom.bounds<[256, 64]>>
  return
}

// -----

/// 2^32 · 2^32 elements do not fit in int64; an overflowing count must not
/// wrap around to a count that matches.
func.func @negative_reshape_overflow(%x: tensor<?x?xf32, #loom.bounds<[4294967296, 4294967296]>>) {
  // expected-error @+1 {{'loom.reshape' op element count overflows int64: [?<=4294967296, ?<=4294967296] -> [0]}}
  %0 = loom.reshape %x : tensor<?x?xf32, #loom.bounds<[4294967296, 4294967296]>> -> tensor<0xf32>
  return
}

// -----

func.func @negative_transpose_not_permutation(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'loom.transpose' op perm must be a permutation of [0, 3)}}
  %0 = loom.transpose %x perm [0, 1, 1] : tensor<2x3x4xf32>
  return
}

// -----

func.func @negative_transpose_perm_length(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'loom.transpose' op perm must be a permutation of [0, 3)}}
  %0 = loom.transpose %x perm [1, 0] : tensor<2x3x4xf32>
  return
}

// -----

func.func @negative_slice_lengths(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op needs 2 offsets, sizes and strides for an input of rank 2}}
  %0 = loom.slice %x offsets [0] sizes [2, 2] strides [1, 1] : tensor<4x8xf32>
  return
}

// -----

func.func @negative_slice_whole_offset(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op dim 0 keeps the whole dim (size -1), so it needs offset 0 and stride 1}}
  %0 = loom.slice %x offsets [1, 0] sizes [-1, 8] strides [1, 1] : tensor<4x8xf32>
  return
}

// -----

/// A dynamic dim has no static extent to slice from.
func.func @negative_slice_dynamic(%x: tensor<?x8xf32, #loom.bounds<[16, 8]>>) {
  // expected-error @+1 {{'loom.slice' op dim 0 is dynamic: it can only be kept whole (size -1)}}
  %0 = loom.slice %x offsets [0, 0] sizes [4, 8] strides [1, 1] : tensor<?x8xf32, #loom.bounds<[16, 8]>>
  return
}

// -----

func.func @negative_slice_stride_zero(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op dim 1 needs offset >= 0, size >= 0 and stride >= 1}}
  %0 = loom.slice %x offsets [0, 0] sizes [4, 2] strides [1, 0] : tensor<4x8xf32>
  return
}

// -----

func.func @negative_slice_size_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op dim 1 needs offset >= 0, size >= 0 and stride >= 1}}
  %0 = loom.slice %x offsets [0, 0] sizes [4, -2] strides [1, 1] : tensor<4x8xf32>
  return
}

// -----

/// With stride 3, elements 1, 4 and 7 of a dim of 4 are read.
func.func @negative_slice_past_extent(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op dim 0 reads past its extent 4}}
  %0 = loom.slice %x offsets [1, 0] sizes [3, 8] strides [3, 1] : tensor<4x8xf32>
  return
}

// -----

/// (3 - 1) · 2^62 overflows int64; it must not wrap to an in-range index.
func.func @negative_slice_stride_overflow(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op dim 0 reads past its extent 4}}
  %0 = loom.slice %x offsets [0, 0] sizes [3, 1] strides [4611686018427387904, 1] : tensor<4x8xf32>
  return
}

// -----

func.func @negative_slice_offset_overflow(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.slice' op dim 0 reads past its extent 4}}
  %0 = loom.slice %x offsets [9223372036854775807, 0] sizes [2, 1] strides [1, 1] : tensor<4x8xf32>
  return
}

// -----

/// The generic form can spell a concat of nothing; inference refuses it.
func.func @negative_concat_empty() {
  // expected-error @+2 {{'loom.concat' op needs at least one input}}
  // expected-error @+1 {{'loom.concat' op failed to infer returned types}}
  %0 = "loom.concat"() <{dim = 0 : i64}> : () -> tensor<4xf32>
  return
}

// -----

func.func @negative_concat_dim(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.concat' op dim 2 is out of range for rank 2}}
  %0 = loom.concat %a, %a dim 2 : tensor<2x3xf32>, tensor<2x3xf32>
  return
}

// -----

func.func @negative_concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xbf16>) {
  // expected-error @+1 {{'loom.concat' op input #1 ('tensor<2x3xbf16>') differs in element type or rank from input #0 ('tensor<2x3xf32>')}}
  %0 = loom.concat %a, %b dim 1 : tensor<2x3xf32>, tensor<2x3xbf16>
  return
}

// -----

func.func @negative_concat_rank(%a: tensor<2x3xf32>, %b: tensor<6xf32>) {
  // expected-error @+1 {{'loom.concat' op input #1 ('tensor<6xf32>') differs in element type or rank from input #0 ('tensor<2x3xf32>')}}
  %0 = loom.concat %a, %b dim 1 : tensor<2x3xf32>, tensor<6xf32>
  return
}

// -----

func.func @negative_concat_other_dim(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<4x3xf32>) {
  // expected-error @+1 {{'loom.concat' op input #2 dim 0 (4) differs from input #0's (2)}}
  %0 = loom.concat %a, %b, %c dim 1 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x3xf32>
  return
}

// -----

/// The joined extent must fit in int64 (it must not wrap into an invalid
/// bound).
func.func @negative_concat_overflow(%a: tensor<?xf32, #loom.bounds<[9223372036854775807]>>, %b: tensor<1xf32>) {
  // expected-error @+1 {{'loom.concat' op the extent of dim 0 overflows int64 at input #1}}
  %0 = loom.concat %a, %b dim 0 : tensor<?xf32, #loom.bounds<[9223372036854775807]>>, tensor<1xf32>
  return
}

// -----

func.func @negative_iota_dim() {
  // expected-error @+1 {{'loom.iota' op dim 1 is out of range for rank 1}}
  %0 = loom.iota dim 1 : tensor<8xi64>
  return
}

// -----

func.func @negative_iota_i1() {
  // expected-error @+1 {{'loom.iota' op cannot count in i1}}
  %0 = loom.iota dim 0 : tensor<8xi1>
  return
}

// -----

func.func @negative_iota_missing_size() {
  // expected-error @+1 {{'loom.iota' op needs 1 dynamic dim sizes, got 0}}
  %0 = loom.iota dim 0 : tensor<?xi64, #loom.bounds<[512]>>
  return
}

// -----

func.func @negative_iota_extra_size(%n: index) {
  // expected-error @+1 {{'loom.iota' op needs 0 dynamic dim sizes, got 1}}
  %0 = loom.iota dim 0 sizes(%n) : tensor<8xi64>
  return
}

// -----

func.func @negative_constant_vector() {
  // expected-error @+1 {{'loom.constant' op needs a value of static tensor type, got 'vector<4xf32>'}}
  %0 = loom.constant dense<1.0> : vector<4xf32>
  return
}

// -----

/// In generic form the written result type must be the value's type.
func.func @negative_constant_result_type() {
  // expected-error @+2 {{'loom.constant' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<4xbf16>'}}
  // expected-error @+1 {{'loom.constant' op failed to infer returned types}}
  %0 = "loom.constant"() <{value = dense<1.0> : tensor<4xf32>}> : () -> tensor<4xbf16>
  return
}

// -----

func.func @negative_constant_element_type() {
  // expected-error @+1 {{'loom.constant' op result #0 must be ranked tensor of 64-bit float or 32-bit float or bfloat16 type or 16-bit float or 64-bit signless integer or 32-bit signless integer or 8-bit signless integer or 1-bit signless integer values, but got 'tensor<4xi16>'}}
  %0 = loom.constant dense<1> : tensor<4xi16>
  return
}
