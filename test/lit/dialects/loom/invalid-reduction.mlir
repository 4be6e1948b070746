// RUN: loom-opt %s --split-input-file --verify-diagnostics

/// Every diagnostic of the reduction family (reduce, argmax, cumsum, top_k,
/// sort, softmax, log_softmax, cross_entropy).

func.func @negative_reduce_no_dims(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.reduce' op needs at least one dim to reduce}}
  %0 = loom.reduce sum %x dims [] acc(f32) : tensor<4x8xf32>
  return
}

// -----

func.func @negative_reduce_dim_out_of_range(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.reduce' op dim 2 is out of range for rank 2}}
  %0 = loom.reduce sum %x dims [2] acc(f32) : tensor<4x8xf32>
  return
}

// -----

/// Dims are not counted from the end.
func.func @negative_reduce_dim_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.reduce' op dim -1 is out of range for rank 2}}
  %0 = loom.reduce sum %x dims [-1] acc(f32) : tensor<4x8xf32>
  return
}

// -----

func.func @negative_reduce_dims_unsorted(%x: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'loom.reduce' op dims must be sorted and unique}}
  %0 = loom.reduce sum %x dims [2, 0] acc(f32) : tensor<2x4x8xf32>
  return
}

// -----

func.func @negative_reduce_dims_repeated(%x: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'loom.reduce' op dims must be sorted and unique}}
  %0 = loom.reduce sum %x dims [1, 1] acc(f32) : tensor<2x4x8xf32>
  return
}

// -----

/// An integer mean would have to choose a rounding; the builder casts first.
func.func @negative_reduce_mean_int(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{'loom.reduce' op mean needs float elements, got 'i32'}}
  %0 = loom.reduce mean %x dims [1] acc(i64) : tensor<4x8xi32>
  return
}

// -----

func.func @negative_reduce_acc_narrow(%x: tensor<4x8xf64>) {
  // expected-error @+1 {{'loom.reduce' op accumulation type 'f32' is narrower than the 'f64' elements}}
  %0 = loom.reduce sum %x dims [1] acc(f32) : tensor<4x8xf64>
  return
}

// -----

func.func @negative_reduce_acc_kind(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{'loom.reduce' op accumulation type 'f32' does not suit 'i32' elements (floats accumulate in a float type, integers in an integer type)}}
  %0 = loom.reduce sum %x dims [1] acc(f32) : tensor<4x8xi32>
  return
}

// -----

func.func @negative_argmax_dim(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.argmax' op dim 2 is out of range for rank 2}}
  %0 = loom.argmax %x dim 2 : tensor<4x8xf32>
  return
}

// -----

func.func @negative_argmax_i1(%x: tensor<4x8xi1>) {
  // expected-error @+1 {{'loom.argmax' op needs numbers, not i1}}
  %0 = loom.argmax %x dim 1 : tensor<4x8xi1>
  return
}

// -----

func.func @negative_cumsum_dim(%x: tensor<4x8xi64>) {
  // expected-error @+1 {{'loom.cumsum' op dim 2 is out of range for rank 2}}
  %0 = loom.cumsum %x dim 2 acc(i64) : tensor<4x8xi64>
  return
}

// -----

func.func @negative_cumsum_acc(%x: tensor<4x8xi64>) {
  // expected-error @+1 {{'loom.cumsum' op accumulation type 'i32' is narrower than the 'i64' elements}}
  %0 = loom.cumsum %x dim 1 acc(i32) : tensor<4x8xi64>
  return
}

// -----

func.func @negative_top_k_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'loom.top_k' op needs an input of rank >= 1}}
  %0:2 = loom.top_k %x k 1 : tensor<f32>
  return
}

// -----

/// k results of a row of unknown length could not all exist.
func.func @negative_top_k_dynamic_last(%x: tensor<4x?xf32, #loom.bounds<[4, 64]>>) {
  // expected-error @+1 {{'loom.top_k' op needs a static last dim, got ?<=64}}
  %0:2 = loom.top_k %x k 2 : tensor<4x?xf32, #loom.bounds<[4, 64]>>
  return
}

// -----

func.func @negative_top_k_k_zero(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.top_k' op k = 0 is outside [1, 8]}}
  %0:2 = loom.top_k %x k 0 : tensor<4x8xf32>
  return
}

// -----

func.func @negative_top_k_k_too_large(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.top_k' op k = 9 is outside [1, 8]}}
  %0:2 = loom.top_k %x k 9 : tensor<4x8xf32>
  return
}

// -----

func.func @negative_sort_dim(%x: tensor<8xi32>) {
  // expected-error @+1 {{'loom.sort' op dim 1 is out of range for rank 1}}
  %0:2 = loom.sort %x dim 1 : tensor<8xi32>
  return
}

// -----

func.func @negative_softmax_dim(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.softmax' op dim 2 is out of range for rank 2}}
  %0 = loom.softmax %x dim 2 acc(f32) : tensor<4x8xf32>
  return
}

// -----

func.func @negative_softmax_acc(%x: tensor<4x8xbf16>) {
  // expected-error @+1 {{'loom.softmax' op accumulation type 'i32' does not suit 'bf16' elements (floats accumulate in a float type, integers in an integer type)}}
  %0 = loom.softmax %x dim 1 acc(i32) : tensor<4x8xbf16>
  return
}

// -----

func.func @negative_softmax_int(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{'loom.softmax' op operand #0 must be ranked tensor of 64-bit float or 32-bit float or bfloat16 type or 16-bit float values, but got 'tensor<4x8xi32>'}}
  %0 = loom.softmax %x dim 1 acc(i32) : tensor<4x8xi32>
  return
}

// -----

func.func @negative_log_softmax_dim(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.log_softmax' op dim -1 is out of range for rank 2}}
  %0 = loom.log_softmax %x dim -1 acc(f32) : tensor<4x8xf32>
  return
}

// -----

func.func @negative_log_softmax_acc(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'loom.log_softmax' op accumulation type 'f16' is narrower than the 'f32' elements}}
  %0 = loom.log_softmax %x dim 1 acc(f16) : tensor<4x8xf32>
  return
}

// -----

func.func @negative_cross_entropy_rank0(%l: tensor<f32>, %t: tensor<i64>) {
  // expected-error @+1 {{'loom.cross_entropy' op needs logits of rank >= 1}}
  %0 = loom.cross_entropy %l, %t acc(f32) : tensor<f32>, tensor<i64>
  return
}

// -----

func.func @negative_cross_entropy_targets(%l: tensor<128x260xf32>, %t: tensor<64xi64>) {
  // expected-error @+1 {{'loom.cross_entropy' op targets shape [64] differs from the logits' leading dims [128]}}
  %0 = loom.cross_entropy %l, %t acc(f32) : tensor<128x260xf32>, tensor<64xi64>
  return
}

// -----

/// Targets are indices, not one-hot rows.
func.func @negative_cross_entropy_one_hot(%l: tensor<128x260xf32>, %t: tensor<128x260xi64>) {
  // expected-error @+1 {{'loom.cross_entropy' op targets shape [128, 260] differs from the logits' leading dims [128]}}
  %0 = loom.cross_entropy %l, %t acc(f32) : tensor<128x260xf32>, tensor<128x260xi64>
  return
}

// -----

func.func @negative_cross_entropy_weights(%l: tensor<128x260xf32>, %t: tensor<128xi64>, %w: tensor<260xf32>) {
  // expected-error @+1 {{'loom.cross_entropy' op weights shape [260] differs from the targets shape [128]}}
  %0 = loom.cross_entropy %l, %t weights(%w : tensor<260xf32>) acc(f32) : tensor<128x260xf32>, tensor<128xi64>
  return
}

// -----

func.func @negative_cross_entropy_acc(%l: tensor<128x260xf32>, %t: tensor<128xi64>) {
  // expected-error @+1 {{'loom.cross_entropy' op accumulation type 'bf16' is narrower than the 'f32' elements}}
  %0 = loom.cross_entropy %l, %t acc(bf16) : tensor<128x260xf32>, tensor<128xi64>
  return
}

// -----

func.func @negative_cross_entropy_target_type(%l: tensor<128x260xf32>, %t: tensor<128xi8>) {
  // expected-error @+1 {{'loom.cross_entropy' op operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<128xi8>'}}
  %0 = loom.cross_entropy %l, %t acc(f32) : tensor<128x260xf32>, tensor<128xi8>
  return
}
