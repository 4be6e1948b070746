// Translation validation: the reference interpreter runs every public function
// before and after a pipeline on random inputs and compares the results.
// RUN: loom-opt %s --split-input-file --loom-test-pass-equivalence="pipeline=canonicalize,cse" | FileCheck %s
// RUN: not loom-opt %s --split-input-file --loom-test-pass-equivalence="pipeline=loom-test-break-subtraction" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BROKEN
// RUN: not loom-opt %s --split-input-file --loom-test-pass-equivalence="pipeline=no-such-pass" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADPIPE

/// A correct pipeline passes and leaves its output for FileCheck.
// CHECK-LABEL: func.func @residual
//       CHECK:   loom.binary sub
//   CHECK-NOT:   loom.binary mul
// BROKEN: error: loom-test-pass-equivalence: @residual result 0 differs after the pipeline
// BADPIPE: error: loom-test-pass-equivalence: cannot parse the pipeline 'no-such-pass'
func.func @residual(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %one = loom.constant dense<1.0> : tensor<4x8xf32>
  %s = loom.binary sub %x, %y : tensor<4x8xf32>
  %r = loom.binary mul %s, %one : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
