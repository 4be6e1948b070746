// RUN: loom-opt %s --split-input-file --verify-diagnostics

func.func @kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [elementwise, row_reduction]}}
  %r = loom.fusion scan (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    loom.yield %a : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @arity(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{has 1 inputs but its body takes 2 arguments}}
  %r = loom.fusion elementwise (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
    loom.yield %a : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @argument_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{input 0 is 'tensor<4xf32>' but the body's argument 0 is 'tensor<4xf64>'}}
  %r = loom.fusion elementwise (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf64>):
    %c = loom.constant dense<1.0> : tensor<4xf32>
    loom.yield %c : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @yield_types(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{yields 1 values whose types differ from its results}}
  %r = loom.fusion elementwise (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %c = loom.constant dense<1.0> : tensor<8xf32>
    loom.yield %c : tensor<8xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @empty(%x: tensor<4xf32>) {
  // expected-error @+1 {{computes nothing (no results)}}
  loom.fusion elementwise (%x) : (tensor<4xf32>) -> () {
  ^bb0(%a: tensor<4xf32>):
    loom.yield
  }
  return
}

// -----

func.func @captures(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = loom.fusion elementwise () : () -> tensor<4xf32> {
    // expected-error @+1 {{using value defined outside the region}}
    %e = loom.unary exp %x : tensor<4xf32>
    loom.yield %e : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
