//===- DenseBuffers.h - interpreter tensors as compiled code's buffers -----===//
//
// Test support for comparing compiled CPU code with the reference
// interpreter (codegen/reference): values packed into the dense buffers that
// kernels read and written back as Tensors, generated inputs, and an
// element-wise comparison that reports through GoogleTest.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_TESTING_DENSEBUFFERS_H
#define LOOM_CODEGEN_CPU_TESTING_DENSEBUFFERS_H

#include "codegen/reference/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::loom::codegen::testsupport {

/// Bytes of one element in a buffer (i1 is one byte).
int64_t elementBytes(Type element);

/// `value` as a dense row-major buffer of its element type; at least 8
/// bytes, so that an empty tensor still has an address.
std::vector<char> packDense(const ::loom::reference::Tensor &value);

/// The values at `data` (element strides) as a Tensor of `shape`.
::loom::reference::Tensor unpackStrided(const char *data, Type element, ArrayRef<int64_t> shape,
                                        ArrayRef<int64_t> strides);

/// The values of a dense row-major buffer of `type`.
::loom::reference::Tensor unpackDense(const char *data, RankedTensorType type);

/// Inputs for the arguments of `fn`: floats a fixed pseudo-random sequence in
/// [-2, 2) on a 1/1024 grid (exact in every float type but bf16, where they
/// round), integers one in [0, intRange) (i1: 0 or 1).
std::vector<::loom::reference::Tensor> generatedInputs(func::FuncOp fn, int64_t intRange);

/// Compares `got` with `want`: integers exactly, floats within `tolerance`
/// relative (NaN matches NaN). Reports the first few mismatches with
/// ADD_FAILURE and returns how many there are.
int countMismatches(const ::loom::reference::Tensor &got, const ::loom::reference::Tensor &want,
                    double tolerance, const std::string &where);

} // namespace mlir::loom::codegen::testsupport

#endif // LOOM_CODEGEN_CPU_TESTING_DENSEBUFFERS_H
