//===- BundleWriter.cpp - a planned module to a bundle directory -----------===//

#include "codegen/bundle/BundleWriter.h"

#include "codegen/bundle/BundleKernels.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"
#include "runtime/schemas/bundle.pb.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <fstream>

using namespace mlir;
using namespace mlir::loom::codegen;
namespace pb = ::loom::bundle;

namespace {

constexpr uint32_t kSchemaVersion = 1, kKernelAbiVersion = 1;

FailureOr<pb::DType> dtypeOf(Type t, Location loc) {
  if (t.isF64()) return pb::F64;
  if (t.isF32()) return pb::F32;
  if (t.isBF16()) return pb::BF16;
  if (t.isF16()) return pb::F16;
  if (t.isInteger(64)) return pb::I64;
  if (t.isInteger(32)) return pb::I32;
  if (t.isInteger(8)) return pb::I8;
  if (t.isInteger(1)) return pb::I1;
  return emitError(loc) << "bundle writer: element type " << t << " has no bundle dtype";
}

pb::Arena::Kind arenaKind(loomrt::ArenaKind k) {
  switch (k) {
  case loomrt::ArenaKind::parameters: return pb::Arena::PARAMETERS;
  case loomrt::ArenaKind::frozen: return pb::Arena::FROZEN;
  case loomrt::ArenaKind::gradients: return pb::Arena::GRADIENTS;
  case loomrt::ArenaKind::optimizer: return pb::Arena::OPTIMIZER;
  case loomrt::ArenaKind::activations: return pb::Arena::ACTIVATIONS;
  case loomrt::ArenaKind::io: return pb::Arena::IO;
  }
  return pb::Arena::KIND_UNSPECIFIED;
}

std::string gridString(ArrayRef<int64_t> grid) {
  std::string s = "[";
  for (size_t i = 0; i < grid.size(); ++i)
    s += (i ? ", " : "") + std::to_string(grid[i]);
  return s + "]";
}

class ManifestBuilder {
public:
  ManifestBuilder(ModuleOp module, StringRef target, const BundleKernelTable &kernels,
                  BundleSummary &summary)
      : module(module), target(target), kernels(kernels), summary(summary) {}

  /// Everything but the kernel table and checksums.
  LogicalResult build(pb::Manifest &m) {
    m.set_schema_version(kSchemaVersion);
    m.set_kernel_abi_version(kKernelAbiVersion);
    m.set_target(target.str());
    for (auto arena : module.getOps<loomrt::ArenaOp>()) {
      arenaIndex[arena.getSymName()] = m.arenas_size();
      pb::Arena *a = m.add_arenas();
      a->set_name(arena.getSymName().str());
      a->set_size_bytes(arena.getSize());
      a->set_alignment(arena.getAlignment());
      a->set_kind(arenaKind(arena.getKind()));
      summary.arenaBytes += arena.getSize();
    }
    for (auto param : module.getOps<loomrt::ParameterOp>())
      if (failed(addParameter(m, param)))
        return failure();
    for (auto entry : module.getOps<loomrt::EntryOp>())
      if (failed(addEntry(m, entry)))
        return failure();
    return success();
  }

private:
  ModuleOp module;
  StringRef target;
  const BundleKernelTable &kernels;
  BundleSummary &summary;
  llvm::StringMap<uint32_t> arenaIndex;

  LogicalResult addParameter(pb::Manifest &m, loomrt::ParameterOp param) {
    auto type = cast<ShapedType>(param.getType());
    FailureOr<pb::DType> dtype = dtypeOf(type.getElementType(), param.getLoc());
    if (failed(dtype))
      return failure();
    pb::Parameter *p = m.add_parameters();
    p->set_name(param.getName().str());
    p->set_dtype(*dtype);
    for (int64_t d : type.getShape())
      p->add_shape(d);
    p->set_arena(arenaIndex.lookup(param.getArena()));
    p->set_offset_bytes(param.getOffset());
    switch (param.getInit()) {
    case loomrt::InitKind::zeros: p->set_init(pb::Parameter::ZEROS); break;
    case loomrt::InitKind::ones: p->set_init(pb::Parameter::ONES); break;
    case loomrt::InitKind::normal:
      p->set_init(pb::Parameter::NORMAL);
      p->set_init_std(static_cast<float>(param.getStd()->convertToDouble()));
      break;
    }
    p->set_frozen(param.getFrozen());
    ++summary.parameters;
    return success();
  }

  FailureOr<pb::BufferView> bufferView(Value v) {
    auto view = v.getDefiningOp<loomrt::ViewOp>();
    if (!view)
      return emitError(v.getLoc()) << "bundle writer: a buffer that is no loomrt.view";
    pb::BufferView out;
    out.set_arena(arenaIndex.lookup(view.getArena()));
    out.set_offset_bytes(view.getOffset());
    out.set_size_bytes(loomrt::bufferBytes(view.getView().getType()));
    return out;
  }

  LogicalResult addViews(Operation *op, google::protobuf::RepeatedPtrField<pb::BufferView> *out) {
    for (Value v : op->getOperands()) {
      FailureOr<pb::BufferView> view = bufferView(v);
      if (failed(view))
        return failure();
      *out->Add() = *view;
    }
    return success();
  }

  LogicalResult addSig(Value v, StringRef name, pb::TensorSig *sig) {
    FailureOr<pb::BufferView> view = bufferView(v);
    auto type = cast<MemRefType>(v.getType());
    FailureOr<pb::DType> dtype = dtypeOf(type.getElementType(), v.getLoc());
    if (failed(view) || failed(dtype))
      return failure();
    sig->set_name(name.str());
    sig->set_dtype(*dtype);
    for (int64_t d : type.getShape())
      sig->add_shape(d);
    sig->set_arena(view->arena());
    sig->set_offset_bytes(view->offset_bytes());
    return success();
  }

  LogicalResult addEntry(pb::Manifest &m, loomrt::EntryOp entry) {
    pb::EntryPoint *e = m.add_entry_points();
    e->set_name(entry.getSymName().str());
    ++summary.entryPoints;
    for (Operation &op : entry.getBody().front()) {
      LogicalResult ok = success();
      if (auto in = dyn_cast<loomrt::InputOp>(op))
        ok = addSig(in.getView(), in.getName(), e->add_inputs());
      else if (auto out = dyn_cast<loomrt::OutputOp>(op))
        ok = addSig(out.getView(), out.getName(), e->add_outputs());
      else if (!isa<loomrt::ViewOp>(op)) {
        ok = addCommand(op, e->add_plan());
        ++summary.commands;
      }
      if (failed(ok))
        return failure();
    }
    return success();
  }

  LogicalResult addCommand(Operation &op, pb::Command *cmd) {
    if (auto launch = dyn_cast<loomrt::LaunchOp>(op)) {
      StringRef name = launch.getKernel().getLeafReference().getValue();
      auto found = kernels.index.find(name);
      if (found == kernels.index.end())
        return launch.emitError() << "bundle writer: kernel " << launch.getKernel()
                                  << " was not compiled";
      // A GPU kernel's blocks compute the rows of the grid it was tiled for;
      // another grid would leave rows out or run past its buffers.
      auto compiled = kernels.grids.find(name);
      if (compiled != kernels.grids.end() &&
          launch.getGrid() != ArrayRef<int64_t>(compiled->second))
        return launch.emitError() << "bundle writer: the launch's grid "
                                  << gridString(launch.getGrid()) << " is not the grid "
                                  << gridString(compiled->second) << " kernel "
                                  << launch.getKernel()
                                  << " was compiled for (its loom.workgroups)";
      pb::Launch *l = cmd->mutable_launch();
      l->set_kernel(found->second);
      for (int64_t g : launch.getGrid())
        l->add_grid(g);
      return addViews(&op, l->mutable_args());
    }
    if (auto gemm = dyn_cast<loomrt::GemmOp>(op)) {
      pb::LibraryCall *c = cmd->mutable_library_call();
      c->set_routine(pb::LibraryCall::GEMM_F32);
      c->set_m(gemm.getM());
      c->set_n(gemm.getN());
      c->set_k(gemm.getK());
      c->set_trans_a(gemm.getTransA());
      c->set_trans_b(gemm.getTransB());
      c->set_lda(gemm.getA().getType().getDimSize(1));
      c->set_ldb(gemm.getB().getType().getDimSize(1));
      c->set_ldc(gemm.getC().getType().getDimSize(1));
      c->set_alpha(gemm.getAlpha().convertToFloat());
      c->set_beta(gemm.getBeta().convertToFloat());
      // args = [a, b, c] then the bias row, the operands' order.
      c->set_bias(static_cast<bool>(gemm.getBias()));
      return addViews(&op, c->mutable_args());
    }
    if (auto attn = dyn_cast<loomrt::AttentionOp>(op))
      return addAttention(op, pb::LibraryCall::ATTENTION_F32, attn.getScale().convertToFloat(),
                          cmd);
    if (auto grad = dyn_cast<loomrt::AttentionGradOp>(op))
      return addAttention(op, pb::LibraryCall::ATTENTION_GRAD_F32,
                          grad.getScale().convertToFloat(), cmd);
    if (auto copy = dyn_cast<loomrt::CopyOp>(op)) {
      FailureOr<pb::BufferView> src = bufferView(copy.getSource());
      FailureOr<pb::BufferView> dst = bufferView(copy.getTarget());
      if (failed(src) || failed(dst))
        return failure();
      *cmd->mutable_copy()->mutable_src() = *src;
      *cmd->mutable_copy()->mutable_dst() = *dst;
      return success();
    }
    if (auto fill = dyn_cast<loomrt::FillOp>(op))
      return addFill(fill, cmd);
    return op.emitError() << "bundle writer: not a command of bundle schema "
                          << kSchemaVersion;
  }

  LogicalResult addAttention(Operation &op, pb::LibraryCall::Routine routine, float scale,
                             pb::Command *cmd) {
    pb::LibraryCall *c = cmd->mutable_library_call();
    c->set_routine(routine);
    auto q = cast<MemRefType>(op.getOperand(0).getType());
    auto k = cast<MemRefType>(op.getOperand(1).getType());
    auto v = cast<MemRefType>(op.getOperand(2).getType());
    pb::AttentionShape *s = c->mutable_attention();
    s->set_batch(q.getDimSize(0));
    s->set_query_len(q.getDimSize(1));
    s->set_key_len(k.getDimSize(1));
    s->set_query_heads(q.getDimSize(2));
    s->set_kv_heads(k.getDimSize(2));
    s->set_head_dim(q.getDimSize(3));
    s->set_value_dim(v.getDimSize(3));
    s->set_scale(scale);
    return addViews(&op, c->mutable_args());
  }

  LogicalResult addFill(loomrt::FillOp fill, pb::Command *cmd) {
    FailureOr<pb::BufferView> view = bufferView(fill.getTarget());
    if (failed(view))
      return failure();
    pb::Fill *f = cmd->mutable_fill();
    *f->mutable_view() = *view;
    Attribute value = fill.getValue();
    if (auto fl = dyn_cast<FloatAttr>(value)) {
      if (fl.getType().isF32()) {
        f->set_f32(static_cast<float>(fl.getValueAsDouble()));
        return success();
      }
      APInt bits = fl.getValue().bitcastToAPInt();
      std::string bytes(bits.getBitWidth() / 8, '\0');
      uint64_t raw = bits.getZExtValue();
      std::memcpy(bytes.data(), &raw, bytes.size()); // little-endian host, as the runtime
      f->set_bytes(bytes);
      return success();
    }
    auto in = cast<IntegerAttr>(value);
    unsigned width = in.getType().getIntOrFloatBitWidth();
    std::string bytes(width == 1 ? 1 : width / 8, '\0');
    uint64_t raw = width == 1 ? (in.getValue().isZero() ? 0 : 1) : in.getValue().getZExtValue();
    std::memcpy(bytes.data(), &raw, bytes.size());
    f->set_bytes(bytes);
    return success();
  }
};

LogicalResult fail(ModuleOp module, const Twine &message) {
  module.emitError() << "bundle writer: " << message;
  return failure();
}

/// Replaces `dir` by `tmp`: only an existing bundle or an empty folder is
/// replaced, never anything else.
LogicalResult moveIntoPlace(ModuleOp module, StringRef tmp, StringRef dir) {
  namespace fs = llvm::sys::fs;
  if (fs::exists(dir)) {
    if (!fs::is_directory(dir))
      return fail(module, dir + " exists and is not a directory; not replacing it");
    SmallString<256> manifest(dir);
    llvm::sys::path::append(manifest, "manifest.pb");
    std::error_code ec;
    bool empty = fs::directory_iterator(dir, ec) == fs::directory_iterator();
    if (!fs::exists(manifest) && !empty)
      return fail(module, dir + " exists, is not empty and holds no manifest.pb; not replacing "
                               "it (choose another -o)");
    if (std::error_code rm = fs::remove_directories(dir))
      return fail(module, "cannot remove the old bundle " + dir + ": " + rm.message());
  }
  if (std::error_code ec = fs::rename(tmp, dir))
    return fail(module, "cannot move " + tmp + " to " + dir + ": " + ec.message());
  return success();
}

} // namespace

LogicalResult mlir::loom::codegen::writeBundle(ModuleOp module, StringRef target,
                                               StringRef dir, BundleSummary &summary) {
  namespace fs = llvm::sys::fs;
  summary = {};
  if (target != "cpu" && target != "cuda")
    return fail(module, "unknown target '" + target + "' (expected cpu or cuda)");
  if (auto compiled = module->getAttrOfType<StringAttr>("loom.target");
      compiled && compiled.getValue() != target)
    return fail(module, "the module was compiled for '" + compiled.getValue() + "', not " +
                            target);
  if (module.getOps<loomrt::EntryOp>().empty())
    return fail(module, "no loomrt.entry: run the codegen phase (loom-plan-memory) first");

  SmallString<256> tmp(dir);
  tmp += ".tmp-" + std::to_string(llvm::sys::Process::getProcessId());
  (void)fs::remove_directories(tmp);
  if (std::error_code ec = fs::create_directories(tmp))
    return fail(module, "cannot create " + tmp + ": " + ec.message());
  auto cleanup = llvm::make_scope_exit([&] { (void)fs::remove_directories(tmp); });

  // The kernel table first: launches refer to kernels by index.
  pb::Manifest manifest;
  BundleKernelTable kernelTable;
  ModuleOp kernels;
  for (auto nested : module.getOps<ModuleOp>())
    if (nested.getSymName() == "kernels")
      kernels = nested;
  if (kernels && !kernels.getBody()->empty()) {
    LogicalResult written = target == "cuda"
                                ? writeCudaBundleKernels(kernels, tmp, manifest, kernelTable)
                                : writeCpuBundleKernels(kernels, tmp, manifest, kernelTable);
    if (failed(written))
      return failure();
    summary.kernels = manifest.kernels_size();
  }
  ManifestBuilder builder(module, target, kernelTable, summary);
  if (failed(builder.build(manifest)))
    return failure();

  SmallString<256> manifestPath(tmp);
  llvm::sys::path::append(manifestPath, "manifest.pb");
  std::string serialized;
  if (!manifest.SerializeToString(&serialized))
    return fail(module, "cannot serialize the manifest");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(manifestPath, ec);
    if (ec)
      return fail(module, "cannot write " + manifestPath + ": " + ec.message());
    os << serialized;
    os.close();
    if (os.has_error())
      return fail(module, "cannot write " + manifestPath);
  }
  if (failed(moveIntoPlace(module, tmp, dir)))
    return failure();
  cleanup.release();
  return success();
}

LogicalResult mlir::loom::codegen::writeCpuBundle(ModuleOp module, StringRef dir,
                                                  BundleSummary &summary) {
  return writeBundle(module, "cpu", dir, summary);
}
