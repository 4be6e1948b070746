//===- ParameterTable.h - reading the module's loom.parameter_table --------===//
//
// loom-pack-arenas records where each parameter lives in its flat arena as
// the module attribute `loom.parameter_table` (an array of dictionaries:
// name, arena, offset in elements, shape, and init / init_std when known).
// Everything that reads it (memory planning, loom-train-ref) reads it here.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_AUTODIFF_PARAMETERTABLE_H
#define LOOM_PASSES_AUTODIFF_PARAMETERTABLE_H

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::loom {

struct ParameterTableRow {
  std::string name, arena;
  int64_t offset = 0; // elements
  std::vector<int64_t> shape;
  std::optional<std::string> init; // "normal", "ones", "zeros"
  std::optional<double> initStd;
};

/// The rows of `module`'s table in order; std::nullopt when it has none.
/// A row without name, arena, offset or shape fails with `error` naming it.
FailureOr<std::optional<std::vector<ParameterTableRow>>>
readParameterTable(ModuleOp module, std::string &error);

} // namespace mlir::loom

#endif // LOOM_PASSES_AUTODIFF_PARAMETERTABLE_H
