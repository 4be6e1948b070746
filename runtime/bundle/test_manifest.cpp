#include "runtime/bundle/test_manifest.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "runtime/bundle/attention_args.h"
#include "runtime/bundle/bundle.h"
#include "runtime/bundle/bundle_dtype.h"
#include "runtime/bundle/sha256.h"

namespace loom::rt::testing {
namespace {

using namespace loom::bundle;  // NOLINT: test-only builder of many messages

void SetView(BufferView* v, uint32_t arena, uint64_t offset, uint64_t size) {
  v->set_arena(arena);
  v->set_offset_bytes(offset);
  v->set_size_bytes(size);
}

void AddArena(Manifest* m, const char* name, uint64_t size, Arena::Kind kind) {
  Arena* a = m->add_arenas();
  a->set_name(name);
  a->set_size_bytes(size);
  a->set_alignment(64);
  a->set_kind(kind);
}

void AddParameter(Manifest* m, const char* name, std::initializer_list<int64_t> shape,
                  uint64_t offset) {
  Parameter* p = m->add_parameters();
  p->set_name(name);
  p->set_dtype(F32);
  for (int64_t d : shape) p->add_shape(d);
  p->set_arena(0);
  p->set_offset_bytes(offset);
  p->set_init(Parameter::NORMAL);
  p->set_init_std(0.02f);
}

void AddSig(TensorSig* s, const char* name, std::initializer_list<int64_t> shape, uint64_t offset) {
  s->set_name(name);
  s->set_dtype(F32);
  for (int64_t d : shape) s->add_shape(d);
  s->set_arena(1);
  s->set_offset_bytes(offset);
}

void AddKernel(Manifest* m, const char* name, const char* symbol, uint32_t buffers) {
  Kernel* k = m->add_kernels();
  k->set_name(name);
  k->set_symbol(symbol);
  k->set_num_buffer_args(buffers);
  k->set_num_scalar_args(1);
}

void AddLaunch(EntryPoint* e, uint32_t kernel, std::initializer_list<BufferView> args) {
  Launch* l = e->add_plan()->mutable_launch();
  l->set_kernel(kernel);
  l->add_grid(2);
  l->add_grid(1);
  l->add_grid(1);
  for (const BufferView& v : args) *l->add_args() = v;
  l->add_scalars(3);
}

BufferView View(uint32_t arena, uint64_t offset, uint64_t size) {
  BufferView v;
  SetView(&v, arena, offset, size);
  return v;
}

}  // namespace

Manifest TestManifest(const std::string& kernels_sha256_hex) {
  Manifest m;
  m.set_schema_version(kBundleSchemaVersion);
  m.set_kernel_abi_version(kKernelAbiVersion);
  m.set_target("cpu");
  AddArena(&m, "params", 64, Arena::PARAMETERS);
  AddArena(&m, "io", 128, Arena::IO);
  AddArena(&m, "act", 192, Arena::ACTIVATIONS);
  AddParameter(&m, "W", {4, 3}, 0);
  AddParameter(&m, "bias", {3}, 48);
  AddKernel(&m, "add_rows", "loom_test_add_rows", 3);
  AddKernel(&m, "softmax_rows", "loom_test_softmax_rows", 2);

  EntryPoint* e = m.add_entry_points();
  e->set_name("forward");
  AddSig(e->add_inputs(), "x", {2, 4}, 0);
  AddSig(e->add_outputs(), "y", {2, 3}, 64);
  Copy* copy = e->add_plan()->mutable_copy();
  SetView(copy->mutable_src(), 1, 0, 32);
  SetView(copy->mutable_dst(), 2, 0, 32);
  Fill* fill = e->add_plan()->mutable_fill();
  SetView(fill->mutable_view(), 2, 64, 24);
  fill->set_f32(0.0f);
  LibraryCall* gemm = e->add_plan()->mutable_library_call();
  gemm->set_routine(LibraryCall::GEMM_F32);
  gemm->set_m(2);
  gemm->set_n(3);
  gemm->set_k(4);
  gemm->set_lda(4);
  gemm->set_ldb(3);
  gemm->set_ldc(3);
  gemm->set_alpha(1.0f);
  gemm->set_beta(1.0f);
  SetView(gemm->add_args(), 2, 0, 32);
  SetView(gemm->add_args(), 0, 0, 48);
  SetView(gemm->add_args(), 2, 64, 24);
  AddLaunch(e, 0, {View(2, 64, 24), View(0, 48, 12), View(2, 128, 24)});
  AddLaunch(e, 1, {View(2, 128, 24), View(1, 64, 24)});

  m.set_kernel_library(kTestKernelLibrary);
  FileChecksum* sum = m.add_checksums();
  sum->set_path(kTestKernelLibrary);
  sum->set_sha256_hex(kernels_sha256_hex);
  return m;
}

AttentionShape AttentionTestShape() {
  AttentionShape s;
  s.set_batch(2);
  s.set_query_len(5);
  s.set_key_len(6);
  s.set_query_heads(4);
  s.set_kv_heads(2);
  s.set_head_dim(3);
  s.set_value_dim(2);
  s.set_scale(0.5f);
  return s;
}

Manifest AttentionTestManifest() {
  Manifest m;
  m.set_schema_version(kBundleSchemaVersion);
  m.set_kernel_abi_version(kKernelAbiVersion);
  m.set_target("cpu");
  const AttentionShape shape = AttentionTestShape();
  // Every operand's signature, by name, laid out in the gradient's args order.
  std::map<std::string, TensorSig> sigs;
  uint64_t offset = 0;
  for (const AttentionOperand& op : AttentionOperands(LibraryCall::ATTENTION_GRAD_F32, shape)) {
    TensorSig& sig = sigs[op.name];
    sig.set_name(op.name);
    sig.set_dtype(ToBundleDType(op.dtype));
    for (int64_t d : op.shape) sig.add_shape(d);
    sig.set_arena(0);
    sig.set_offset_bytes(offset);
    offset = (offset + *CheckedByteSize(op.dtype, op.shape) + 63) / 64 * 64;
  }
  AddArena(&m, "io", offset, Arena::IO);

  for (auto routine : {LibraryCall::ATTENTION_F32, LibraryCall::ATTENTION_GRAD_F32}) {
    EntryPoint* e = m.add_entry_points();
    e->set_name(routine == LibraryCall::ATTENTION_F32 ? "attention" : "attention_grad");
    LibraryCall* call = e->add_plan()->mutable_library_call();
    call->set_routine(routine);
    *call->mutable_attention() = shape;
    for (const AttentionOperand& op : AttentionOperands(routine, shape)) {
      const TensorSig& sig = sigs[op.name];
      *(op.output ? e->add_outputs() : e->add_inputs()) = sig;
      SetView(call->add_args(), 0, sig.offset_bytes(), *CheckedByteSize(op.dtype, op.shape));
    }
  }
  return m;
}

Status WriteTestBundle(const std::string& dir, Manifest manifest, const std::string& kernels_so) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string lib = dir + "/" + kTestKernelLibrary;
  fs::copy_file(kernels_so, lib, fs::copy_options::overwrite_existing, ec);
  if (ec) return MakeStatus(StatusCode::kIoError, lib, ": ", ec.message());
  LOOM_ASSIGN_OR_RETURN(std::string hex, Sha256HexOfFile(lib));
  for (auto& sum : *manifest.mutable_checksums()) {
    if (sum.path() == kTestKernelLibrary) sum.set_sha256_hex(hex);
  }
  std::ofstream out(dir + "/" + kManifestFileName, std::ios::binary | std::ios::trunc);
  if (!manifest.SerializeToOstream(&out)) {
    return MakeStatus(StatusCode::kIoError, dir, ": cannot write manifest.pb");
  }
  return OkStatus();
}

HostTensor RandomF32(Shape shape, std::mt19937& rng) {
  HostTensor t = HostTensor::Allocate(DType::kF32, std::move(shape)).value();
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  for (uint64_t i = 0; i < t.num_elements(); ++i) t.data_as<float>()[i] = dist(rng);
  return t;
}

std::string MakeTempDir(const std::string& name) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::temp_directory_path() / ("loom-bundle-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace loom::rt::testing
