// One case per validation rule: the test manifest (test_manifest.h) with one field broken is
// refused, with a message that names the place and the field.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "runtime/bundle/attention_args.h"
#include "runtime/bundle/bundle.h"
#include "runtime/bundle/test_manifest.h"

namespace loom::rt {
namespace {

using namespace loom::bundle;  // NOLINT: the cases edit many message types

struct Case {
  std::string name;
  std::function<void(Manifest*)> mutate;
  std::string expected;  // a substring of the error message
  StatusCode code = StatusCode::kInvalidFormat;
};

Launch* L(Manifest* m, int command) {
  return m->mutable_entry_points(0)->mutable_plan(command)->mutable_launch();
}
LibraryCall* Gemm(Manifest* m) {
  return m->mutable_entry_points(0)->mutable_plan(2)->mutable_library_call();
}

std::vector<Case> Cases() {
  constexpr uint64_t kHuge = std::numeric_limits<uint64_t>::max();
  return {
      {"SchemaVersion", [](Manifest* m) { m->set_schema_version(2); }, "schema_version 2",
       StatusCode::kUnsupported},
      {"KernelAbiVersion", [](Manifest* m) { m->set_kernel_abi_version(0); },
       "kernel_abi_version 0", StatusCode::kUnsupported},
      {"Target", [](Manifest* m) { m->set_target("tpu"); }, "target: 'tpu'"},
      {"ArenaEmptyName", [](Manifest* m) { m->mutable_arenas(1)->set_name(""); },
       "arenas[1] ''.name: empty name"},
      {"ArenaDuplicateName", [](Manifest* m) { m->mutable_arenas(2)->set_name("io"); },
       "arenas[2] 'io'.name: duplicate name 'io'"},
      {"ArenaTooLarge", [](Manifest* m) { m->mutable_arenas(0)->set_size_bytes(kHuge); },
       "arenas[0] 'params'.size_bytes"},
      {"ArenaAlignmentZero", [](Manifest* m) { m->mutable_arenas(0)->set_alignment(0); },
       "arenas[0] 'params'.alignment: 0"},
      {"ArenaAlignmentNotPowerOfTwo", [](Manifest* m) { m->mutable_arenas(0)->set_alignment(48); },
       "alignment: 48 is not a power of two"},
      {"ArenaKindUnspecified",
       [](Manifest* m) { m->mutable_arenas(2)->set_kind(Arena::KIND_UNSPECIFIED); },
       "arenas[2] 'act'.kind"},
      {"ParameterDuplicateName", [](Manifest* m) { m->mutable_parameters(1)->set_name("W"); },
       "parameters[1] 'W'.name: duplicate name"},
      {"ParameterDType",
       [](Manifest* m) { m->mutable_parameters(0)->set_dtype(DTYPE_UNSPECIFIED); },
       "parameters[0] 'W': dtype 0"},
      {"ParameterNegativeDim", [](Manifest* m) { m->mutable_parameters(0)->set_shape(0, -4); },
       "parameters[0] 'W': shape [-4, 3]"},
      {"ParameterShapeOverflow",
       [](Manifest* m) { m->mutable_parameters(0)->set_shape(0, int64_t{1} << 62); },
       "is negative or overflows"},
      {"ParameterArenaIndex", [](Manifest* m) { m->mutable_parameters(0)->set_arena(7); },
       "parameters[0] 'W': arena index 7 out of range"},
      {"ParameterPastArenaEnd", [](Manifest* m) { m->mutable_parameters(1)->set_offset_bytes(56); },
       "parameters[1] 'bias': offset_bytes 56 + size_bytes 12 exceeds arena 'params'"},
      {"ParameterOffsetOverflow",
       [](Manifest* m) { m->mutable_parameters(1)->set_offset_bytes(kHuge - 4); },
       "exceeds arena 'params'"},
      {"ParameterMisaligned", [](Manifest* m) { m->mutable_parameters(1)->set_offset_bytes(50); },
       "offset_bytes 50 is not a multiple of the element size 4"},
      {"ParameterWrongArenaKind", [](Manifest* m) { m->mutable_parameters(1)->set_arena(2); },
       "parameters[1] 'bias'.arena: a trainable parameter must lie in a PARAMETERS arena"},
      {"ParameterFrozenInTrainableArena",
       [](Manifest* m) { m->mutable_parameters(1)->set_frozen(true); },
       "a frozen parameter must lie in a FROZEN arena"},
      {"ParameterOverlap", [](Manifest* m) { m->mutable_parameters(1)->set_offset_bytes(44); },
       "parameters[1] 'bias': overlaps parameters[0] 'W'"},
      {"ParameterInit",
       [](Manifest* m) { m->mutable_parameters(0)->set_init(Parameter::INIT_UNSPECIFIED); },
       "parameters[0] 'W'.init"},
      {"ParameterInitStd", [](Manifest* m) { m->mutable_parameters(0)->set_init_std(NAN); },
       "parameters[0] 'W'.init_std"},
      {"KernelDuplicateName", [](Manifest* m) { m->mutable_kernels(1)->set_name("add_rows"); },
       "kernels[1] 'add_rows'.name: duplicate"},
      {"KernelSymbol", [](Manifest* m) { m->mutable_kernels(0)->set_symbol("1bad;"); },
       "kernels[0] 'add_rows'.symbol: '1bad;' is not a C identifier"},
      {"ChecksumPathEscapes", [](Manifest* m) { m->mutable_checksums(0)->set_path("../x.so"); },
       "checksums[0] '../x.so'.path"},
      {"ChecksumAbsolutePath", [](Manifest* m) { m->mutable_checksums(0)->set_path("/etc/x"); },
       "checksums[0] '/etc/x'.path"},
      {"ChecksumDuplicate", [](Manifest* m) { *m->add_checksums() = m->checksums(0); },
       "checksums[1] 'kernels.so'.path: listed twice"},
      {"ChecksumHex", [](Manifest* m) { m->mutable_checksums(0)->set_sha256_hex("ABC"); },
       "sha256_hex: not 64 lowercase hex digits"},
      {"KernelLibraryMissing", [](Manifest* m) { m->clear_kernel_library(); },
       "kernel_library: empty, but the bundle has 2 kernels"},
      {"KernelLibraryNotChecksummed", [](Manifest* m) { m->set_kernel_library("other.so"); },
       "kernel_library: 'other.so' has no entry in checksums"},
      {"EntryDuplicateName", [](Manifest* m) { *m->add_entry_points() = m->entry_points(0); },
       "entry_points[1] 'forward'.name: duplicate"},
      {"InputDuplicateName",
       [](Manifest* m) {
         *m->mutable_entry_points(0)->add_inputs() = m->entry_points(0).inputs(0);
       },
       "entry_points[0] 'forward'.inputs[1] 'x'.name: duplicate"},
      {"OutputPastArena",
       [](Manifest* m) { m->mutable_entry_points(0)->mutable_outputs(0)->set_offset_bytes(120); },
       "entry_points[0] 'forward'.outputs[0] 'y': offset_bytes 120 + size_bytes 24 exceeds"},
      {"InputDType",
       [](Manifest* m) { m->mutable_entry_points(0)->mutable_inputs(0)->set_dtype(loom::bundle::DType(99)); },
       "inputs[0] 'x': dtype 99"},
      {"CommandNotSet", [](Manifest* m) { m->mutable_entry_points(0)->add_plan(); },
       "entry_points[0] 'forward'.plan[5]: no command set"},
      {"LaunchKernelIndex", [](Manifest* m) { L(m, 3)->set_kernel(2); },
       "plan[3].launch.kernel: index 2 out of range (2 kernels)"},
      {"LaunchGridRank", [](Manifest* m) { L(m, 3)->mutable_grid()->RemoveLast(); },
       "plan[3].launch.grid: 2 entries, not 3"},
      {"LaunchGridZero", [](Manifest* m) { L(m, 3)->set_grid(1, 0); },
       "plan[3].launch.grid: [2, 0, 1]"},
      {"LaunchGridTooLarge",
       [](Manifest* m) {
         L(m, 3)->set_grid(1, int64_t{1} << 40);
         L(m, 3)->set_grid(2, int64_t{1} << 40);
       },
       "workgroups"},
      {"LaunchArgCount", [](Manifest* m) { L(m, 4)->mutable_args()->RemoveLast(); },
       "plan[4].launch.args: 1 buffers, but kernel 'softmax_rows' takes 2"},
      {"LaunchScalarCount", [](Manifest* m) { L(m, 4)->add_scalars(1); },
       "plan[4].launch.scalars: 2 scalars, but kernel 'softmax_rows' takes 1"},
      {"LaunchViewArena", [](Manifest* m) { L(m, 4)->mutable_args(1)->set_arena(3); },
       "plan[4].launch.args[1]: arena index 3 out of range"},
      {"LaunchViewPastEnd", [](Manifest* m) { L(m, 4)->mutable_args(1)->set_size_bytes(kHuge); },
       "plan[4].launch.args[1]: offset_bytes 64 + size_bytes"},
      {"LibraryRoutine",
       [](Manifest* m) { Gemm(m)->set_routine(LibraryCall::ROUTINE_UNSPECIFIED); },
       "plan[2].library_call.routine: unknown routine 0"},
      {"GemmNegativeDim", [](Manifest* m) { Gemm(m)->set_k(-1); },
       "plan[2].library_call.k: -1 is not in [0, 2^31)"},
      {"GemmLeadingDim", [](Manifest* m) { Gemm(m)->set_lda(3); },
       "plan[2].library_call.lda: is smaller than the stored columns of a"},
      {"GemmViewTooSmall", [](Manifest* m) { Gemm(m)->set_m(3); },
       "plan[2].library_call.args[0] (a).size_bytes: 32 holds fewer than the 12 floats"},
      {"GemmTransposedViewTooSmall", [](Manifest* m) { Gemm(m)->set_trans_b(true); },
       "library_call.ldb: is smaller than the stored columns of b"},
      {"GemmArgCount", [](Manifest* m) { Gemm(m)->mutable_args()->RemoveLast(); },
       "plan[2].library_call.args: 2 views, not 3"},
      {"GemmMisaligned",
       [](Manifest* m) {
         Gemm(m)->mutable_args(2)->set_offset_bytes(66);
         Gemm(m)->mutable_args(2)->set_size_bytes(24);
       },
       "args[2] (c).offset_bytes: 66 is not a multiple of 4"},
      {"GemmAliasing", [](Manifest* m) { Gemm(m)->mutable_args(2)->set_offset_bytes(8); },
       "plan[2].library_call.args[2] (c): overlaps a or b"},
      {"GemmAlpha", [](Manifest* m) { Gemm(m)->set_alpha(INFINITY); },
       "alpha and beta must be finite"},
      {"GemmBiasWithoutItsView", [](Manifest* m) { Gemm(m)->set_bias(true); },
       "plan[2].library_call.args: 3 views, not 4 (a, b, c, bias)"},
      {"GemmBiasTooSmall",
       [](Manifest* m) {
         Gemm(m)->set_bias(true);
         *Gemm(m)->add_args() = Gemm(m)->args(1);  // W: 48 bytes, at offset 0
         Gemm(m)->mutable_args(3)->set_size_bytes(8);
       },
       "args[3] (bias).size_bytes: 8 holds fewer than n=3 floats"},
      {"GemmBiasOverlapsC",
       [](Manifest* m) {
         Gemm(m)->set_bias(true);
         *Gemm(m)->add_args() = Gemm(m)->args(2);
       },
       "args[3] (bias): overlaps c"},
      {"KernelBlockOnCpu", [](Manifest* m) { m->mutable_kernels(0)->add_block(32); },
       "kernels[0] 'add_rows'.block: set, but the bundle's target is \"cpu\""},
      {"CudaPtxOnCpu", [](Manifest* m) { m->set_cuda_ptx("kernels.ptx"); },
       "cuda_ptx: 'kernels.ptx' is set, but the bundle's target is \"cpu\""},
      {"CudaWithoutPtx", [](Manifest* m) { m->set_target("cuda"); },
       "kernels[0] 'add_rows'.block: 0 entries, not 3 ([x, y, z])"},
      {"CudaBlockTooLarge",
       [](Manifest* m) {
         m->set_target("cuda");
         for (auto& k : *m->mutable_kernels()) {
           k.add_block(64);
           k.add_block(32);
           k.add_block(1);
         }
       },
       "kernels[0] 'add_rows'.block: 2048 threads, more than a block's 1024"},
      {"CudaFilesMissing",
       [](Manifest* m) {
         m->set_target("cuda");
         for (auto& k : *m->mutable_kernels()) {
           k.add_block(32);
           k.add_block(1);
           k.add_block(1);
         }
       },
       "cuda_ptx: empty, but the bundle has 2 kernels"},
      {"CopySizes",
       [](Manifest* m) {
         m->mutable_entry_points(0)->mutable_plan(0)->mutable_copy()->mutable_dst()->set_size_bytes(
             16);
       },
       "plan[0].copy: src size_bytes 32 != dst size_bytes 16"},
      {"CopyOverlap",
       [](Manifest* m) {
         auto* copy = m->mutable_entry_points(0)->mutable_plan(0)->mutable_copy();
         copy->mutable_dst()->set_arena(1);
         copy->mutable_dst()->set_offset_bytes(16);
       },
       "plan[0].copy: src overlaps dst"},
      {"CopyPastEnd",
       [](Manifest* m) {
         m->mutable_entry_points(0)
             ->mutable_plan(0)
             ->mutable_copy()
             ->mutable_src()
             ->set_offset_bytes(100);
       },
       "plan[0].copy.src: offset_bytes 100 + size_bytes 32 exceeds arena 'io'"},
      {"FillNoPattern",
       [](Manifest* m) {
         m->mutable_entry_points(0)->mutable_plan(1)->mutable_fill()->clear_pattern();
       },
       "plan[1].fill: needs an f32 or a 1..64-byte pattern"},
      {"FillSizeNotMultiple",
       [](Manifest* m) {
         m->mutable_entry_points(0)->mutable_plan(1)->mutable_fill()->set_bytes("abcde");
       },
       "plan[1].fill.view.size_bytes: 24 is not a multiple of the pattern's 5 bytes"},
  };
}

// A case on the attention test manifest (test_manifest.h): `mutate` breaks the library call of
// entry point `entry` (0 'attention': ATTENTION_F32, 1 'attention_grad': ATTENTION_GRAD_F32).
Case AttentionCase(std::string name, int entry, std::function<void(LibraryCall*)> mutate,
                   std::string expected) {
  return {std::move(name),
          [entry, mutate](Manifest* m) {
            *m = testing::AttentionTestManifest();
            mutate(m->mutable_entry_points(entry)->mutable_plan(0)->mutable_library_call());
          },
          std::move(expected)};
}

// Its io arena: q at 0 (480 B), k 512 (288), v 832 (192), out 1024 (320), lse 1344 (160),
// out_grad 1536 (320), query_positions 1856 (80), visible_lo 1984 (96), visible_hi 2112 (96),
// dq 2240 (480), dk 2752 (288), dv 3072 (192); 3264 bytes.
std::vector<Case> AttentionCases() {
  const std::string fwd = "entry_points[0] 'attention'.plan[0].library_call";
  const std::string grad = "entry_points[1] 'attention_grad'.plan[0].library_call";
  auto offset = [](int arg, uint64_t value) {
    return [=](LibraryCall* call) { call->mutable_args(arg)->set_offset_bytes(value); };
  };
  auto size = [](int arg, uint64_t value) {
    return [=](LibraryCall* call) { call->mutable_args(arg)->set_size_bytes(value); };
  };
  return {
      AttentionCase(
          "ArgCount", 0, [](LibraryCall* c) { c->mutable_args()->RemoveLast(); },
          fwd + ".args: 7 views, not 8 (q, k, v, query_positions, visible_lo, visible_hi, out, "
                "lse)"),
      AttentionCase(
          "GradArgCount", 1, [](LibraryCall* c) { c->add_args(); },
          grad + ".args: 13 views, not 12 (q, k, v, out, lse, out_grad, query_positions"),
      AttentionCase(
          "ShapeMissing", 0, [](LibraryCall* c) { c->clear_attention(); },
          fwd + ".attention.batch: 0 is not in [1, 2^31)"),
      AttentionCase(
          "DimZero", 1, [](LibraryCall* c) { c->mutable_attention()->set_head_dim(0); },
          grad + ".attention.head_dim: 0 is not in [1, 2^31)"),
      AttentionCase(
          "DimTooLarge", 0,
          [](LibraryCall* c) { c->mutable_attention()->set_key_len(int64_t{1} << 31); },
          fwd + ".attention.key_len: 2147483648 is not in [1, 2^31)"),
      AttentionCase(
          "ElementCount", 0,
          [](LibraryCall* c) {  // q has exactly 2^40 elements
            c->mutable_attention()->set_batch(int64_t{1} << 20);
            c->mutable_attention()->set_query_len(int64_t{1} << 18);
            c->mutable_attention()->set_head_dim(1);
          },
          fwd + ".attention: q [1048576, 262144, 4, 1] has 2^40 or more elements"),
      AttentionCase(
          "ElementCountOverflow", 1,
          [](LibraryCall* c) {
            c->mutable_attention()->set_batch(std::numeric_limits<int32_t>::max());
            c->mutable_attention()->set_query_len(std::numeric_limits<int32_t>::max());
          },
          grad + ".attention: q [2147483647, 2147483647, 4, 3] has 2^40 or more elements"),
      AttentionCase(
          "HeadsNotMultiple", 0, [](LibraryCall* c) { c->mutable_attention()->set_kv_heads(3); },
          fwd + ".attention.kv_heads: 3 does not divide query_heads 4"),
      AttentionCase(
          "Scale", 1, [](LibraryCall* c) { c->mutable_attention()->set_scale(INFINITY); },
          grad + ".attention.scale: inf is not finite"),
      AttentionCase("ViewPastArena", 0, offset(2, 3200),
                    fwd + ".args[2] (v): offset_bytes 3200 + size_bytes 192 exceeds arena 'io'"),
      AttentionCase("F32Misaligned", 0, offset(0, 2),
                    fwd + ".args[0] (q).offset_bytes: 2 is not a multiple of 4"),
      AttentionCase("I64Misaligned", 1, offset(6, 1860),
                    grad + ".args[6] (query_positions).offset_bytes: 1860 is not a multiple of 8"),
      AttentionCase("F32ViewTooSmall", 0, size(1, 284),
                    fwd + ".args[1] (k).size_bytes: 284 is not the 288 bytes of f32[2, 6, 2, 3]"),
      AttentionCase("F32ViewTooLarge", 0, size(7, 192),
                    fwd + ".args[7] (lse).size_bytes: 192 is not the 160 bytes of f32[2, 5, 4]"),
      AttentionCase("I64ViewSize", 1, size(8, 88),
                    grad + ".args[8] (visible_hi).size_bytes: 88 is not the 96 bytes of i64[2, 6]"),
      AttentionCase("OutOverlapsInput", 0, offset(6, 0),
                    fwd + ".args[6] (out): overlaps args[0] (q)"),
      AttentionCase("LseOverlapsInput", 0, offset(7, 1856),
                    fwd + ".args[7] (lse): overlaps args[3] (query_positions)"),
      AttentionCase("GradOutputOverlapsInput", 1, offset(9, 0),
                    grad + ".args[9] (dq): overlaps args[0] (q)"),
      AttentionCase("GradOutputsOverlap", 1, offset(11, 2752),
                    grad + ".args[10] (dk): overlaps args[11] (dv)"),
  };
}

class ValidateTest : public ::testing::TestWithParam<Case> {};

TEST(ValidateTest, TestManifestIsValid) {
  Status status = ValidateManifest(testing::TestManifest(), "b/manifest.pb");
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(ValidateTest, AttentionTestManifestIsValid) {
  Manifest manifest = testing::AttentionTestManifest();
  Status status = ValidateManifest(manifest, "b/manifest.pb");
  EXPECT_TRUE(status.ok()) << status.ToString();
  // GEMM fields mean nothing to an attention call, and inputs may alias each other.
  const int lo[] = {attention_args::kVisibleLo, attention_grad_args::kVisibleLo};
  for (int e = 0; e < 2; ++e) {
    LibraryCall* call = manifest.mutable_entry_points(e)->mutable_plan(0)->mutable_library_call();
    call->set_m(-1);
    call->set_lda(-5);
    call->set_alpha(NAN);
    *call->mutable_args(lo[e]) = call->args(lo[e] + 1);  // visible_lo and visible_hi: one view
  }
  status = ValidateManifest(manifest, "b/manifest.pb");
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_P(ValidateTest, Refused) {
  const Case& c = GetParam();
  Manifest manifest = testing::TestManifest();
  c.mutate(&manifest);
  Status status = ValidateManifest(manifest, "b/manifest.pb");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), c.code) << status.ToString();
  EXPECT_NE(status.message().find("b/manifest.pb: "), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(c.expected), std::string::npos)
      << "message: " << status.message() << "\nexpected to contain: " << c.expected;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(Rules, ValidateTest, ::testing::ValuesIn(Cases()), CaseName);
INSTANTIATE_TEST_SUITE_P(AttentionRules, ValidateTest, ::testing::ValuesIn(AttentionCases()),
                         CaseName);

}  // namespace
}  // namespace loom::rt
