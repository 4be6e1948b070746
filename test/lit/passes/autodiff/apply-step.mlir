// RUN: loom-opt %s --split-input-file --loom-build-apply-step --verify-diagnostics | FileCheck %s

/// [Rule: @apply_step updates trained parameters only, returns the grad norm
/// and the skip flag] The frozen parameter and the integer input take no part.
// CHECK-LABEL: func.func @apply_step
//  CHECK-SAME: %[[W:[^:]*]]: tensor<8x4xf32> {loom.param = "w"}
//  CHECK-SAME: %[[N:[^:]*]]: tensor<4xf32> {loom.param = "norm"}
//  CHECK-SAME: {loom.grad = "w"}
//  CHECK-SAME: {loom.adam_m = "w"}
//  CHECK-SAME: {loom.adam_v = "norm"}
//  CHECK-SAME: %[[STEP:[^:]*]]: tensor<i64> {loom.input = "step"}
//  CHECK-SAME: -> (tensor<8x4xf32>, tensor<4xf32>, tensor<8x4xf32>, tensor<4xf32>, tensor<8x4xf32>, tensor<4xf32>, tensor<f32>, tensor<i1>)
/// The schedule: warmup below step 10, cosine after.
//       CHECK:   %[[T:.*]] = loom.cast %[[STEP]] : tensor<i64> to tensor<f32>
//       CHECK:   loom.unary cos
//       CHECK:   loom.compare lt %[[T]]
/// The global norm and the non-finite check (NaN or inf).
//       CHECK:   %[[NORM:.*]] = loom.unary sqrt
//       CHECK:   %[[NAN:.*]] = loom.compare ne %[[NORM]], %[[NORM]]
//       CHECK:   %[[INF:.*]] = loom.compare eq %[[NORM]]
//       CHECK:   %[[SKIP:.*]] = loom.binary or %[[NAN]], %[[INF]]
/// Bias corrections at step t + 1.
//       CHECK:   loom.binary pow
//       CHECK:   loom.binary pow
/// Decoupled weight decay multiplies the matrix, not the norm weight.
//       CHECK:   loom.binary mul %[[W]]
//   CHECK-NOT:   loom.binary mul %[[N]]
/// A skipped step returns the old values.
//       CHECK:   loom.select %{{.*}}, %[[W]],
//       CHECK:   loom.select %{{.*}}, %[[N]],
//       CHECK:   return {{.*}}, %[[NORM]], %[[SKIP]]
module attributes {loom.training = {lr = 1.0e-3 : f64, min_lr = 1.0e-4 : f64, warmup_steps = 10 : i64,
    total_steps = 100 : i64, beta1 = 0.9 : f64, beta2 = 0.95 : f64, eps = 1.0e-8 : f64,
    weight_decay = 0.1 : f64, clip_norm = 1.0 : f64}} {
  func.func @loss(%w: tensor<8x4xf32> {loom.param = "w"}, %n: tensor<4xf32> {loom.param = "norm"},
                  %f: tensor<4xf32> {loom.param = "frozen", loom.frozen},
                  %ids: tensor<8xi64> {loom.input = "ids"}) -> tensor<f32> {
    %l = loom.reduce sum %n dims [0] acc(f32) : tensor<4xf32>
    return %l : tensor<f32>
  }
}

// -----

// expected-error @+1 {{loom-build-apply-step: the module has no loom.training dictionary (the spec's training block)}}
module {
  func.func @loss(%w: tensor<4xf32> {loom.param = "w"}) -> tensor<f32> {
    %l = loom.reduce sum %w dims [0] acc(f32) : tensor<4xf32>
    return %l : tensor<f32>
  }
}

// -----

// expected-error @+1 {{loom-build-apply-step: loom.training needs a number 'eps'}}
module attributes {loom.training = {lr = 1.0e-3 : f64, min_lr = 1.0e-4 : f64, warmup_steps = 10 : i64,
    total_steps = 100 : i64, beta1 = 0.9 : f64, beta2 = 0.95 : f64,
    weight_decay = 0.1 : f64, clip_norm = 1.0 : f64}} {
  func.func @loss(%w: tensor<4xf32> {loom.param = "w"}) -> tensor<f32> {
    %l = loom.reduce sum %w dims [0] acc(f32) : tensor<4xf32>
    return %l : tensor<f32>
  }
}

// -----

// expected-error @+1 {{loom-build-apply-step: no function @loss}}
module {
}

// -----

module attributes {loom.training = {lr = 1.0e-3 : f64, min_lr = 1.0e-4 : f64, warmup_steps = 10 : i64,
    total_steps = 100 : i64, beta1 = 0.9 : f64, beta2 = 0.95 : f64, eps = 1.0e-8 : f64,
    weight_decay = 0.1 : f64, clip_norm = 1.0 : f64}} {
  // expected-error @+1 {{loom-build-apply-step: no trained parameter}}
  func.func @loss(%w: tensor<4xf32> {loom.param = "w", loom.frozen}) -> tensor<f32> {
    %l = loom.reduce sum %w dims [0] acc(f32) : tensor<4xf32>
    return %l : tensor<f32>
  }
}
