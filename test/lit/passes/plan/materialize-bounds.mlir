// RUN: loom-opt %s --split-input-file --loom-materialize-bounds --verify-diagnostics | FileCheck %s

/// [Rule: static modules pass unchanged]
// CHECK-LABEL: func.func @static_only
//       CHECK:   loom.unary exp
func.func @static_only(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = loom.unary exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// [Rule: negative_ a bounded argument is refused until materialization is built]
// expected-error @+1 {{loom-materialize-bounds: argument 0 of @negative_bounded_argument has bounded type 'tensor<?x4xf32, #loom.bounds<[8, 4]>>'; bound materialization is not built yet}}
func.func @negative_bounded_argument(%x: tensor<?x4xf32, #loom.bounds<[8, 4]>>) -> tensor<4xf32> {
  %c = loom.constant dense<1.0> : tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

/// [Rule: negative_ a bounded result inside a function is refused at its op]
func.func @negative_bounded_result(%x: tensor<8x4xf32>, %n: index) -> tensor<8x4xf32> {
  // expected-error @+1 {{loom-materialize-bounds: result type 'tensor<?x4xf32, #loom.bounds<[8, 4]>>' is bounded}}
  %s = loom.reshape %x sizes(%n) : tensor<8x4xf32> -> tensor<?x4xf32, #loom.bounds<[8, 4]>>
  return %x : tensor<8x4xf32>
}
