//===- InterpIO.h - loom-interp's inputs and outputs (.npy, safetensors) ---===//
//
// Converts between the runtime's file tensors (runtime/io) and the reference
// interpreter's values, checking each file tensor against the argument it
// feeds: the dtype must be the argument's element type exactly (index
// arguments take an i64 scalar), the rank equal, static sizes equal, dynamic
// sizes within their bound. Every fault is an error message naming the file,
// the tensor and the argument; nothing here aborts on bad input.
//
// Arguments are matched to safetensors entries by name: the argument's
// `loom.param` attribute, else its `loom.input`, else `arg<N>`. Outputs are
// written as `out<N>`. Floats are written in their declared dtype, or as f64
// when `wideFloats` is set (Precision::F64 results, which rounding to f32
// would spoil).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TOOLS_LOOM_INTERP_INTERPIO_H
#define LOOM_TOOLS_LOOM_INTERP_INTERPIO_H

#include "codegen/reference/Tensor.h"
#include "runtime/base/host_tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/LogicalResult.h"

#include <string>
#include <vector>

namespace loom::interp {

/// The name argument `index` of `fn` is matched by in a safetensors file.
std::string argumentName(mlir::func::FuncOp fn, unsigned index);

/// `tensor` (read from `what`) as the value of argument `index` of `fn`.
llvm::FailureOr<reference::Tensor> toArgument(const rt::HostTensor &tensor, mlir::func::FuncOp fn,
                                              unsigned index, const std::string &what,
                                              std::string &error);

/// One .npy file per argument, in order.
llvm::FailureOr<std::vector<reference::Tensor>>
readNpyArguments(mlir::func::FuncOp fn, const std::vector<std::string> &paths, std::string &error);

/// Arguments by name from one or more safetensors files; a name missing from
/// all files, found twice, or matching no argument is an error.
llvm::FailureOr<std::vector<reference::Tensor>>
readSafetensorsArguments(mlir::func::FuncOp fn, const std::vector<std::string> &paths,
                         std::string &error);

/// `value` as a file tensor of its element type's dtype (f64 for floats when
/// `wideFloats`).
llvm::FailureOr<rt::HostTensor> toHostTensor(const reference::Tensor &value, bool wideFloats,
                                             std::string &error);

llvm::LogicalResult writeNpyOutputs(const std::vector<reference::Tensor> &results,
                                    const std::vector<std::string> &paths, bool wideFloats,
                                    std::string &error);
llvm::LogicalResult writeSafetensorsOutputs(const std::vector<reference::Tensor> &results,
                                            const std::string &path, bool wideFloats,
                                            std::string &error);

} // namespace loom::interp

#endif // LOOM_TOOLS_LOOM_INTERP_INTERPIO_H
