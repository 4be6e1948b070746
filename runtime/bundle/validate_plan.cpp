// Checks of the entry points: signatures and the commands of each plan.
#include <cmath>
#include <limits>

#include "runtime/bundle/bundle.h"
#include "runtime/bundle/validate_tables.h"

namespace loom::rt::bundle_internal {
namespace {

using loom::bundle::BufferView;
using loom::bundle::Command;
using loom::bundle::LibraryCall;

Status CheckSigs(const Checker& c, const std::string& where, const char* list,
                 const google::protobuf::RepeatedPtrField<loom::bundle::TensorSig>& sigs) {
  std::set<std::string> names;
  for (int i = 0; i < sigs.size(); ++i) {
    const auto& s = sigs[i];
    std::string at = where + "." + list + "[" + std::to_string(i) + "] '" + s.name() + "'";
    LOOM_RETURN_IF_ERROR(c.CheckName(at + ".name", s.name(), &names));
    DType dtype;
    LOOM_ASSIGN_OR_RETURN(uint64_t bytes, c.CheckTensor(at, s.dtype(), s.shape(), &dtype));
    LOOM_RETURN_IF_ERROR(
        c.CheckPlacement(at, s.arena(), s.offset_bytes(), bytes, DTypeSize(dtype)));
  }
  return OkStatus();
}

Status CheckLaunch(const Checker& c, const std::string& where, const loom::bundle::Launch& l) {
  if (l.kernel() >= static_cast<uint32_t>(c.manifest.kernels_size())) {
    return c.Invalid(where + ".kernel", "index ", l.kernel(), " out of range (",
                     c.manifest.kernels_size(), " kernels)");
  }
  const auto& k = c.manifest.kernels(static_cast<int>(l.kernel()));
  if (l.grid_size() != 3) return c.Invalid(where + ".grid", l.grid_size(), " entries, not 3");
  int64_t total = 1;
  for (int d = 0; d < 3; ++d) {
    int64_t g = l.grid(d);
    if (g < 1 || __builtin_mul_overflow(total, g, &total) || total > kMaxLaunchWorkgroups) {
      return c.Invalid(where + ".grid", "[", l.grid(0), ", ", l.grid(1), ", ", l.grid(2),
                       "] needs every entry >= 1 and at most ", kMaxLaunchWorkgroups,
                       " workgroups");
    }
  }
  if (static_cast<uint32_t>(l.args_size()) != k.num_buffer_args()) {
    return c.Invalid(where + ".args", l.args_size(), " buffers, but kernel '", k.name(), "' takes ",
                     k.num_buffer_args());
  }
  if (static_cast<uint32_t>(l.scalars_size()) != k.num_scalar_args()) {
    return c.Invalid(where + ".scalars", l.scalars_size(), " scalars, but kernel '", k.name(),
                     "' takes ", k.num_scalar_args());
  }
  for (int i = 0; i < l.args_size(); ++i) {
    LOOM_RETURN_IF_ERROR(c.CheckView(where + ".args[" + std::to_string(i) + "]", l.args(i)));
  }
  return OkStatus();
}

// The floats a row-major rows x cols matrix with leading dim ld occupies, or -1 when ld is too
// small. All inputs are in [0, 2^31), so the product fits in int64.
int64_t MatrixFloats(int64_t rows, int64_t cols, int64_t ld) {
  if (ld < std::max<int64_t>(1, cols)) return -1;
  if (rows == 0 || cols == 0) return 0;
  return (rows - 1) * ld + cols;
}

Status CheckGemm(const Checker& c, const std::string& where, const LibraryCall& g) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  const struct {
    const char* name;
    int64_t value;
  } dims[] = {{"m", g.m()},     {"n", g.n()},     {"k", g.k()},
              {"lda", g.lda()}, {"ldb", g.ldb()}, {"ldc", g.ldc()}};
  for (const auto& d : dims) {
    if (d.value < 0 || d.value > kMax) {
      return c.Invalid(where + "." + d.name, d.value, " is not in [0, 2^31)");
    }
  }
  const int num_args = g.bias() ? 4 : 3;
  if (g.args_size() != num_args) {
    return c.Invalid(where + ".args", g.args_size(), " views, not ", num_args,
                     g.bias() ? " (a, b, c, bias)" : " (a, b, c)");
  }
  const char* names[] = {"a", "b", "c"};
  int64_t floats[] = {
      g.trans_a() ? MatrixFloats(g.k(), g.m(), g.lda()) : MatrixFloats(g.m(), g.k(), g.lda()),
      g.trans_b() ? MatrixFloats(g.n(), g.k(), g.ldb()) : MatrixFloats(g.k(), g.n(), g.ldb()),
      MatrixFloats(g.m(), g.n(), g.ldc())};
  const char* ld_names[] = {"lda", "ldb", "ldc"};
  for (int i = 0; i < 3; ++i) {
    std::string at = where + ".args[" + std::to_string(i) + "] (" + names[i] + ")";
    const BufferView& v = g.args(i);
    LOOM_RETURN_IF_ERROR(c.CheckView(at, v));
    if (floats[i] < 0) {
      return c.Invalid(where + "." + ld_names[i], "is smaller than the stored columns of ",
                       names[i]);
    }
    if (v.offset_bytes() % 4 != 0) {
      return c.Invalid(at + ".offset_bytes", v.offset_bytes(), " is not a multiple of 4");
    }
    if (v.size_bytes() / 4 < static_cast<uint64_t>(floats[i])) {
      return c.Invalid(at + ".size_bytes", v.size_bytes(), " holds fewer than the ", floats[i],
                       " floats that m=", g.m(), " n=", g.n(), " k=", g.k(), " need");
    }
  }
  if (Overlap(g.args(2), g.args(0)) || Overlap(g.args(2), g.args(1))) {
    return c.Invalid(where + ".args[2] (c)", "overlaps a or b");
  }
  if (g.bias()) {
    const std::string at = where + ".args[3] (bias)";
    const BufferView& v = g.args(3);
    LOOM_RETURN_IF_ERROR(c.CheckView(at, v));
    if (v.offset_bytes() % 4 != 0) {
      return c.Invalid(at + ".offset_bytes", v.offset_bytes(), " is not a multiple of 4");
    }
    if (v.size_bytes() / 4 < static_cast<uint64_t>(g.n())) {
      return c.Invalid(at + ".size_bytes", v.size_bytes(), " holds fewer than n=", g.n(),
                       " floats");
    }
    if (Overlap(g.args(2), v)) return c.Invalid(at, "overlaps c");
  }
  if (!std::isfinite(g.alpha()) || !std::isfinite(g.beta())) {
    return c.Invalid(where, "alpha and beta must be finite");
  }
  return OkStatus();
}

Status CheckCommand(const Checker& c, const std::string& where, const Command& cmd) {
  switch (cmd.command_case()) {
    case Command::kLaunch:
      return CheckLaunch(c, where + ".launch", cmd.launch());
    case Command::kLibraryCall: {
      const auto& call = cmd.library_call();
      const std::string at = where + ".library_call";
      switch (call.routine()) {
        case LibraryCall::GEMM_F32:
          return CheckGemm(c, at, call);
        case LibraryCall::ATTENTION_F32:
        case LibraryCall::ATTENTION_GRAD_F32:
          if (call.bias()) return c.Invalid(at + ".bias", "set on an attention routine");
          return CheckAttention(c, at, call);  // the GEMM fields are ignored
        default:
          return c.Invalid(at + ".routine", "unknown routine ", static_cast<int>(call.routine()));
      }
    }
    case Command::kCopy: {
      const auto& copy = cmd.copy();
      LOOM_RETURN_IF_ERROR(c.CheckView(where + ".copy.src", copy.src()));
      LOOM_RETURN_IF_ERROR(c.CheckView(where + ".copy.dst", copy.dst()));
      if (copy.src().size_bytes() != copy.dst().size_bytes()) {
        return c.Invalid(where + ".copy", "src size_bytes ", copy.src().size_bytes(),
                         " != dst size_bytes ", copy.dst().size_bytes());
      }
      if (Overlap(copy.src(), copy.dst())) return c.Invalid(where + ".copy", "src overlaps dst");
      return OkStatus();
    }
    case Command::kFill: {
      const auto& fill = cmd.fill();
      LOOM_RETURN_IF_ERROR(c.CheckView(where + ".fill.view", fill.view()));
      size_t pattern = 0;
      if (fill.pattern_case() == loom::bundle::Fill::kF32) pattern = 4;
      if (fill.pattern_case() == loom::bundle::Fill::kBytes) pattern = fill.bytes().size();
      if (pattern == 0 || pattern > kMaxFillPatternBytes) {
        return c.Invalid(where + ".fill", "needs an f32 or a 1..", kMaxFillPatternBytes,
                         "-byte pattern");
      }
      if (fill.view().size_bytes() % pattern != 0) {
        return c.Invalid(where + ".fill.view.size_bytes", fill.view().size_bytes(),
                         " is not a multiple of the pattern's ", pattern, " bytes");
      }
      return OkStatus();
    }
    case Command::COMMAND_NOT_SET:
      break;
  }
  return c.Invalid(where, "no command set");
}

}  // namespace

Status CheckEntryPoints(const Checker& c) {
  std::set<std::string> names;
  for (int e = 0; e < c.manifest.entry_points_size(); ++e) {
    const auto& entry = c.manifest.entry_points(e);
    std::string where = "entry_points[" + std::to_string(e) + "] '" + entry.name() + "'";
    LOOM_RETURN_IF_ERROR(c.CheckName(where + ".name", entry.name(), &names));
    LOOM_RETURN_IF_ERROR(CheckSigs(c, where, "inputs", entry.inputs()));
    LOOM_RETURN_IF_ERROR(CheckSigs(c, where, "outputs", entry.outputs()));
    for (int i = 0; i < entry.plan_size(); ++i) {
      LOOM_RETURN_IF_ERROR(
          CheckCommand(c, where + ".plan[" + std::to_string(i) + "]", entry.plan(i)));
    }
  }
  return OkStatus();
}

}  // namespace loom::rt::bundle_internal
