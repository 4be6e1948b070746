// The fuzz tier (ctest label `fuzz`; run_fuzz_tier.sh runs it under ASan and UBSan): thousands
// of mutated manifests, each of which must load cleanly or be refused with an error that names
// the manifest, never crash or trip a sanitizer. Mutations are seeded, so a failure reproduces.
//   - bit flips and byte overwrites of the serialized manifest;
//   - truncation at every kind of length;
//   - field edits through protobuf reflection: boundary integers, odd strings, unknown enum
//     values, cleared sub-messages, removed and duplicated repeated elements.
// The seeds are the test manifest and the attention test manifest (test_manifest.h); field
// edits of the latter aim at its library calls, which a random walk from the root rarely
// reaches.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "runtime/bundle/bundle.h"
#include "runtime/bundle/test_manifest.h"

namespace loom::rt {
namespace {

namespace pb = google::protobuf;
constexpr char kLabel[] = "fuzz/manifest.pb";

// Loads `bytes`; fails the test unless it is a success or an error naming the manifest.
// Returns whether it loaded.
bool LoadsCleanly(const std::string& bytes, int iteration) {
  Result<loom::bundle::Manifest> manifest = ParseManifest(bytes, kLabel);
  if (manifest.ok()) return true;
  const std::string& message = manifest.status().message();
  EXPECT_EQ(message.rfind(kLabel, 0), 0u) << "iteration " << iteration << ": " << message;
  return false;
}

int64_t InterestingInt(std::mt19937_64& rng) {
  static const int64_t kValues[] = {0,
                                    1,
                                    -1,
                                    2,
                                    3,
                                    4,
                                    7,
                                    64,
                                    4096,
                                    1 << 20,
                                    int64_t{1} << 31,
                                    int64_t{1} << 40,
                                    std::numeric_limits<int64_t>::max(),
                                    std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int32_t>::max(),
                                    -4096};
  if (rng() % 4 == 0) return static_cast<int64_t>(rng());
  return kValues[rng() % (sizeof(kValues) / sizeof(kValues[0]))];
}

std::string InterestingString(std::mt19937_64& rng) {
  static const char* kValues[] = {
      "",
      "cpu",
      "cuda",
      "x",
      "W",
      "forward",
      "kernels.so",
      "..",
      "../kernels.so",
      "/abs",
      "a/./b",
      "kernels.so/",
      "loom_test_add_rows",
      "0000000000000000000000000000000000000000000000000000000000000000"};
  return kValues[rng() % (sizeof(kValues) / sizeof(kValues[0]))];
}

// Sets a random field of `message` or of a message below it to a random value.
void MutateField(pb::Message* message, std::mt19937_64& rng, int depth = 0) {
  const pb::Descriptor* desc = message->GetDescriptor();
  const pb::Reflection* refl = message->GetReflection();
  const pb::FieldDescriptor* field = desc->field(static_cast<int>(rng() % desc->field_count()));
  if (field->is_repeated()) {
    int size = refl->FieldSize(*message, field);
    switch (rng() % 4) {
      case 0:
        if (size > 0) refl->RemoveLast(message, field);
        return;
      case 1:
        if (size > 1) refl->SwapElements(message, field, 0, size - 1);
        return;
      case 2:
        if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && size > 0) {
          refl->AddMessage(message, field)->CopyFrom(refl->GetRepeatedMessage(*message, field, 0));
          return;
        }
        break;
      default:
        break;
    }
    if (size == 0) {
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE)
        refl->AddMessage(message, field);
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT64)
        refl->AddInt64(message, field, InterestingInt(rng));
      return;
    }
    int i = static_cast<int>(rng() % size);
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        MutateField(refl->MutableRepeatedMessage(message, field, i), rng, depth + 1);
        return;
      case pb::FieldDescriptor::CPPTYPE_INT64:
        refl->SetRepeatedInt64(message, field, i, InterestingInt(rng));
        return;
      default:
        return;
    }
  }
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      if (rng() % 4 == 0) {
        refl->ClearField(message, field);
      } else {
        MutateField(refl->MutableMessage(message, field), rng, depth + 1);
      }
      return;
    case pb::FieldDescriptor::CPPTYPE_INT64:
      refl->SetInt64(message, field, InterestingInt(rng));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      refl->SetUInt64(message, field, static_cast<uint64_t>(InterestingInt(rng)));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      refl->SetUInt32(message, field, static_cast<uint32_t>(InterestingInt(rng)));
      return;
    case pb::FieldDescriptor::CPPTYPE_INT32:
      refl->SetInt32(message, field, static_cast<int32_t>(InterestingInt(rng)));
      return;
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      refl->SetEnumValue(message, field, static_cast<int>(rng() % 12) - 2);
      return;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      refl->SetBool(message, field, !refl->GetBool(*message, field));
      return;
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      static const float kValues[] = {0.0f, -1.0f, 1e30f, std::numeric_limits<float>::infinity(),
                                      std::numeric_limits<float>::quiet_NaN()};
      refl->SetFloat(message, field, kValues[rng() % 5]);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_STRING:
      refl->SetString(message, field, InterestingString(rng));
      return;
    default:
      return;
  }
}

std::vector<std::string> SerializedSeeds() {
  return {testing::TestManifest().SerializeAsString(),
          testing::AttentionTestManifest().SerializeAsString()};
}

TEST(BundleFuzzTest, ByteMutationsLoadOrFailCleanly) {
  const std::vector<std::string> seeds = SerializedSeeds();
  std::mt19937_64 rng(1);
  int loaded = 0;
  for (int it = 0; it < 6000; ++it) {
    std::string bytes = seeds[it % 2];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % bytes.size();
      if (rng() % 2) {
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
      } else {
        bytes[at] = static_cast<char>(rng());
      }
    }
    loaded += LoadsCleanly(bytes, it);
  }
  RecordProperty("loaded", loaded);
}

TEST(BundleFuzzTest, TruncationsLoadOrFailCleanly) {
  for (const std::string& valid : SerializedSeeds()) {
    for (size_t n = 0; n < valid.size(); ++n) {
      LoadsCleanly(valid.substr(0, n), static_cast<int>(n));
    }
  }
}

TEST(BundleFuzzTest, FieldEditsLoadOrFailCleanly) {
  std::mt19937_64 rng(2);
  int refused = 0;
  for (int it = 0; it < 4000; ++it) {
    loom::bundle::Manifest manifest = testing::TestManifest();
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) MutateField(&manifest, rng);
    refused += !LoadsCleanly(manifest.SerializeAsString(), it);
  }
  // Most single-field edits break a rule; if none did, the mutator is not reaching the fields.
  EXPECT_GT(refused, 1000);
}

// Edits of the attention calls themselves: any field of the call (the routine, the GEMM fields
// it ignores), of its AttentionShape, or of one of its views.
TEST(BundleFuzzTest, AttentionCallEditsLoadOrFailCleanly) {
  std::mt19937_64 rng(3);
  int refused = 0;
  for (int it = 0; it < 3000; ++it) {
    loom::bundle::Manifest manifest = testing::AttentionTestManifest();
    auto* call = manifest.mutable_entry_points(it % 2)->mutable_plan(0)->mutable_library_call();
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const int target = static_cast<int>(rng() % 3);
      if (target == 0) MutateField(call, rng);
      if (target == 1) MutateField(call->mutable_attention(), rng);
      if (target == 2 && call->args_size() > 0) {
        MutateField(call->mutable_args(static_cast<int>(rng() % call->args_size())), rng);
      }
    }
    refused += !LoadsCleanly(manifest.SerializeAsString(), it);
  }
  RecordProperty("refused", refused);
  // Most edits break a rule; edits of the ignored GEMM fields, or a finite scale, load.
  EXPECT_GT(refused, 1500);
  EXPECT_LT(refused, 3000);
}

}  // namespace
}  // namespace loom::rt
