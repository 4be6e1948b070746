// The test program of the runtime's tests: y = softmax_rows(x · W + bias), x [2, 4], W [4, 3].
//
//   arenas:  0 "params" (PARAMETERS): W at 0 (48 B), bias at 48 (12 B)
//            1 "io" (IO): x at 0 (32 B), y at 64 (24 B)
//            2 "act" (ACTIVATIONS): xc at 0 (32 B), h at 64 (24 B), h2 at 128 (24 B)
//   kernels: 0 add_rows (a, bias, out; cols), 1 softmax_rows (in, out; cols): test_kernels.cpp
//   forward: copy x -> xc; fill h with 0; GEMM h = xc · W; launch add_rows; launch softmax_rows
//            into y.
// Tests of validation break one field of it; the executor tests run it.
#ifndef LOOM_RUNTIME_BUNDLE_TEST_MANIFEST_H_
#define LOOM_RUNTIME_BUNDLE_TEST_MANIFEST_H_

#include <random>
#include <string>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt::testing {

inline constexpr const char* kTestKernelLibrary = "kernels.so";

// Valid for ValidateManifest; its checksum of kernels.so is `kernels_sha256_hex`.
loom::bundle::Manifest TestManifest(const std::string& kernels_sha256_hex = std::string(64, '0'));

// The attention test program: one IO arena "io" holding the operands of ATTENTION_GRAD_F32
// (q, k, v, out, lse, out_grad, query_positions, visible_lo, visible_hi, dq, dk, dv) in that
// order at 64-byte-aligned offsets, for kAttentionTestShape, and two entry points:
//   "attention" (inputs q, k, v, query_positions, visible_lo, visible_hi; outputs out, lse):
//       one ATTENTION_F32 call;
//   "attention_grad" (inputs q, k, v, out, lse, out_grad and the three mask tensors; outputs
//       dq, dk, dv): one ATTENTION_GRAD_F32 call.
// No kernels, so no kernel library. Valid for ValidateManifest; tests break it one field at a
// time and run it.
loom::bundle::Manifest AttentionTestManifest();
// B 2, Sq 5, Sk 6, Hq 4, Hkv 2, D 3, Dv 2, scale 0.5.
loom::bundle::AttentionShape AttentionTestShape();

// Writes a bundle directory: `kernels_so` copied to DIR/kernels.so, the manifest with that
// file's real checksum (replacing any checksums entry for kernels.so) as DIR/manifest.pb.
Status WriteTestBundle(const std::string& dir, loom::bundle::Manifest manifest,
                       const std::string& kernels_so);

// An f32 tensor of uniform values in [-2, 2).
HostTensor RandomF32(Shape shape, std::mt19937& rng);

// A fresh empty directory under the test's temp dir.
std::string MakeTempDir(const std::string& name);

}  // namespace loom::rt::testing

#endif  // LOOM_RUNTIME_BUNDLE_TEST_MANIFEST_H_
