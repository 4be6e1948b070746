// Checks of the attention library calls (bundle.proto, LibraryCall ATTENTION_F32 and
// ATTENTION_GRAD_F32, AttentionShape). After these, the executor may index every operand with
// int64 arithmetic (dims < 2^31, element counts < 2^40) and write its outputs without touching
// what it reads.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "runtime/bundle/attention_args.h"
#include "runtime/bundle/validate_tables.h"

namespace loom::rt::bundle_internal {
namespace {

using loom::bundle::AttentionShape;
using loom::bundle::LibraryCall;

constexpr uint64_t kMaxAttentionElements = uint64_t{1} << 40;  // exclusive

Status CheckAttentionShape(const Checker& c, const std::string& where, const AttentionShape& s) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  const struct {
    const char* name;
    int64_t value;
  } dims[] = {{"batch", s.batch()},        {"query_len", s.query_len()},
              {"key_len", s.key_len()},    {"query_heads", s.query_heads()},
              {"kv_heads", s.kv_heads()},  {"head_dim", s.head_dim()},
              {"value_dim", s.value_dim()}};
  for (const auto& d : dims) {
    if (d.value < 1 || d.value > kMax) {
      return c.Invalid(where + "." + d.name, d.value, " is not in [1, 2^31)");
    }
  }
  if (s.query_heads() % s.kv_heads() != 0) {
    return c.Invalid(where + ".kv_heads", s.kv_heads(), " does not divide query_heads ",
                     s.query_heads());
  }
  if (!std::isfinite(s.scale())) return c.Invalid(where + ".scale", s.scale(), " is not finite");
  return OkStatus();
}

}  // namespace

Status CheckAttention(const Checker& c, const std::string& where, const LibraryCall& call) {
  const std::vector<AttentionOperand> operands =
      AttentionOperands(call.routine(), call.attention());
  if (call.args_size() != static_cast<int>(operands.size())) {
    std::string names;
    for (const AttentionOperand& op : operands)
      names += (names.empty() ? "" : ", ") + std::string(op.name);
    return c.Invalid(where + ".args", call.args_size(), " views, not ", operands.size(), " (",
                     names, ")");
  }
  LOOM_RETURN_IF_ERROR(CheckAttentionShape(c, where + ".attention", call.attention()));
  std::vector<uint64_t> bytes;
  for (const AttentionOperand& op : operands) {
    // nullopt when the byte size overflows int64, which four dims below 2^31 can make it do.
    const std::optional<uint64_t> size = CheckedByteSize(op.dtype, op.shape);
    if (!size || *size / DTypeSize(op.dtype) >= kMaxAttentionElements) {
      return c.Invalid(where + ".attention", op.name, " ", ShapeToString(op.shape),
                       " has 2^40 or more elements");
    }
    bytes.push_back(*size);
  }
  std::vector<std::string> at;
  for (size_t i = 0; i < operands.size(); ++i) {
    const AttentionOperand& op = operands[i];
    const uint64_t align = DTypeSize(op.dtype);
    at.push_back(where + ".args[" + std::to_string(i) + "] (" + op.name + ")");
    const loom::bundle::BufferView& view = call.args(static_cast<int>(i));
    LOOM_RETURN_IF_ERROR(c.CheckView(at[i], view));
    if (view.offset_bytes() % align != 0) {
      return c.Invalid(at[i] + ".offset_bytes", view.offset_bytes(), " is not a multiple of ",
                       align);
    }
    if (view.size_bytes() != bytes[i]) {
      return c.Invalid(at[i] + ".size_bytes", view.size_bytes(), " is not the ", bytes[i],
                       " bytes of ", DTypeName(op.dtype), ShapeToString(op.shape));
    }
  }
  // Every view is inside its arena now, which Overlap relies on.
  for (size_t i = 0; i < operands.size(); ++i) {
    if (!operands[i].output) continue;
    for (size_t j = 0; j < operands.size(); ++j) {
      if (j != i && Overlap(call.args(static_cast<int>(i)), call.args(static_cast<int>(j)))) {
        return c.Invalid(at[i], "overlaps ", at[j].substr(where.size() + 1),
                         "; an output may share no byte with another view of the call");
      }
    }
  }
  return OkStatus();
}

}  // namespace loom::rt::bundle_internal
