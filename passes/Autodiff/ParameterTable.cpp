//===- ParameterTable.cpp - reading the module's loom.parameter_table ------===//

#include "passes/Autodiff/ParameterTable.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

FailureOr<std::optional<std::vector<loom::ParameterTableRow>>>
loom::readParameterTable(ModuleOp module, std::string &error) {
  auto table = module->getAttrOfType<ArrayAttr>("loom.parameter_table");
  if (!table)
    return std::optional<std::vector<ParameterTableRow>>();
  std::vector<ParameterTableRow> rows;
  for (Attribute row : table) {
    auto dict = dyn_cast<DictionaryAttr>(row);
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto arena = dict ? dict.getAs<StringAttr>("arena") : StringAttr();
    auto offset = dict ? dict.getAs<IntegerAttr>("offset") : IntegerAttr();
    auto shape = dict ? dict.getAs<DenseI64ArrayAttr>("shape") : DenseI64ArrayAttr();
    if (!name || !arena || !offset || !shape) {
      llvm::raw_string_ostream os(error);
      os << "loom.parameter_table row " << row << " lacks name, arena, offset or shape";
      return failure();
    }
    ParameterTableRow r{name.str(), arena.str(), offset.getInt(),
                        {shape.asArrayRef().begin(), shape.asArrayRef().end()}, std::nullopt,
                        std::nullopt};
    if (auto init = dict.getAs<StringAttr>("init"))
      r.init = init.str();
    if (auto std = dict.getAs<FloatAttr>("init_std"))
      r.initStd = std.getValueAsDouble();
    rows.push_back(std::move(r));
  }
  return std::optional<std::vector<ParameterTableRow>>(std::move(rows));
}
