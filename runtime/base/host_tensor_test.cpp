#include "runtime/base/host_tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>

namespace loom::rt {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(CheckedByteSizeTest, Sizes) {
  EXPECT_EQ(CheckedByteSize(DType::kF32, {}), 4u);  // a scalar has one element
  EXPECT_EQ(CheckedByteSize(DType::kF32, {2, 3}), 24u);
  EXPECT_EQ(CheckedByteSize(DType::kI1, {0, 5}), 0u);
  EXPECT_EQ(CheckedByteSize(DType::kI8, {kMax}), static_cast<uint64_t>(kMax));
}

TEST(CheckedByteSizeTest, RefusesNegativeDims) {
  EXPECT_FALSE(CheckedByteSize(DType::kF32, {2, -1}).has_value());
  // A zero dim does not excuse a negative one.
  EXPECT_FALSE(CheckedByteSize(DType::kF32, {0, -1}).has_value());
}

TEST(CheckedByteSizeTest, RefusesOverflow) {
  EXPECT_FALSE(CheckedByteSize(DType::kI8, {kMax, 2}).has_value());
  EXPECT_FALSE(CheckedByteSize(DType::kF32, {kMax / 2}).has_value());
  EXPECT_FALSE(CheckedByteSize(DType::kI8, {int64_t{1} << 32, int64_t{1} << 32}).has_value());
  // The element count fits but the byte size does not.
  EXPECT_FALSE(CheckedByteSize(DType::kF64, {int64_t{1} << 61}).has_value());
  EXPECT_TRUE(CheckedByteSize(DType::kF64, {int64_t{1} << 59}).has_value());
}

TEST(ShapeToStringTest, Formats) {
  EXPECT_EQ(ShapeToString({}), "[]");
  EXPECT_EQ(ShapeToString({4}), "[4]");
  EXPECT_EQ(ShapeToString({2, 3}), "[2, 3]");
}

TEST(HostTensorTest, AllocateIsAligned) {
  for (Shape shape : {Shape{}, Shape{1}, Shape{3, 5}, Shape{1000}}) {
    HostTensor t = HostTensor::Allocate(DType::kF64, shape).value();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % HostTensor::kAlignment, 0u);
    EXPECT_EQ(t.shape(), shape);
    EXPECT_EQ(t.size_bytes(), *CheckedByteSize(DType::kF64, shape));
  }
}

TEST(HostTensorTest, ScalarHasOneElement) {
  HostTensor t = HostTensor::Allocate(DType::kI32, {}).value();
  EXPECT_EQ(t.rank(), 0);
  EXPECT_EQ(t.num_elements(), 1u);
  EXPECT_EQ(t.size_bytes(), 4u);
}

TEST(HostTensorTest, EmptyTensorHasNoStorage) {
  HostTensor t = HostTensor::Allocate(DType::kF32, {0, 7}).value();
  EXPECT_EQ(t.num_elements(), 0u);
  EXPECT_EQ(t.data(), nullptr);
  HostTensor d;
  EXPECT_EQ(d.num_elements(), 0u);
  EXPECT_EQ(d.shape(), Shape{0});
}

TEST(HostTensorTest, AllocateRefusesBadShapes) {
  Result<HostTensor> r = HostTensor::Allocate(DType::kF32, {2, -3});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("[2, -3]"), std::string::npos);
  EXPECT_FALSE(HostTensor::Allocate(DType::kF32, {kMax, kMax}).ok());
}

TEST(HostTensorTest, AllocationFailureIsAnError) {
  // 2^62 bytes: a valid size that no machine can provide.
  Result<HostTensor> r = HostTensor::Allocate(DType::kI8, {int64_t{1} << 62});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(HostTensorTest, CloneAndEquality) {
  HostTensor a = HostTensor::Allocate(DType::kI32, {2, 2}).value();
  for (int i = 0; i < 4; ++i) a.data_as<int32_t>()[i] = i * 11;
  HostTensor b = a.Clone().value();
  EXPECT_TRUE(a == b);
  EXPECT_NE(a.data(), b.data());
  b.data_as<int32_t>()[3] = 0;
  EXPECT_TRUE(a != b);

  HostTensor c = HostTensor::Allocate(DType::kF32, {2, 2}).value();  // same bytes, other dtype
  std::memcpy(c.data(), a.data(), a.size_bytes());
  EXPECT_TRUE(a != c);
  HostTensor d = HostTensor::Allocate(DType::kI32, {4}).value();  // same bytes, other shape
  std::memcpy(d.data(), a.data(), a.size_bytes());
  EXPECT_TRUE(a != d);
}

TEST(HostTensorTest, MoveLeavesEmptyTensor) {
  HostTensor a = HostTensor::Allocate(DType::kF32, {8}).value();
  const std::byte* p = a.data();
  HostTensor b = std::move(a);
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b.num_elements(), 8u);
  // NOLINTNEXTLINE(bugprone-use-after-move): the moved-from state is what is tested.
  EXPECT_EQ(a.size_bytes(), 0u);
  EXPECT_EQ(a.shape(), Shape{0});
  EXPECT_EQ(a.data(), nullptr);
  HostTensor c = HostTensor::Allocate(DType::kI8, {3}).value();
  c = std::move(b);
  EXPECT_EQ(c.data(), p);
  EXPECT_EQ(b.size_bytes(), 0u);  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace loom::rt
