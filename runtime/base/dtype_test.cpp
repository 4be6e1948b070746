#include "runtime/base/dtype.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace loom::rt {
namespace {

TEST(DTypeTest, SizesMatchDesign) {
  EXPECT_EQ(DTypeSize(DType::kF64), 8u);
  EXPECT_EQ(DTypeSize(DType::kF32), 4u);
  EXPECT_EQ(DTypeSize(DType::kBF16), 2u);
  EXPECT_EQ(DTypeSize(DType::kF16), 2u);
  EXPECT_EQ(DTypeSize(DType::kI64), 8u);
  EXPECT_EQ(DTypeSize(DType::kI32), 4u);
  EXPECT_EQ(DTypeSize(DType::kI8), 1u);
  EXPECT_EQ(DTypeSize(DType::kI1), 1u);
}

TEST(DTypeTest, NamesRoundTripAndAreDistinct) {
  std::set<std::string_view> names, st_names, descrs;
  for (DType dtype : kAllDTypes) {
    EXPECT_EQ(DTypeFromName(DTypeName(dtype)), dtype);
    EXPECT_EQ(DTypeFromSafetensorsName(SafetensorsDTypeName(dtype)), dtype);
    EXPECT_TRUE(names.insert(DTypeName(dtype)).second);
    EXPECT_TRUE(st_names.insert(SafetensorsDTypeName(dtype)).second);
    if (std::optional<std::string_view> descr = NpyDescr(dtype)) {
      EXPECT_EQ(DTypeFromNpyDescr(*descr), dtype);
      EXPECT_TRUE(descrs.insert(*descr).second);
    }
  }
  EXPECT_EQ(descrs.size(), kAllDTypes.size() - 1);  // all but bf16
}

TEST(DTypeTest, ExactSpellings) {
  EXPECT_EQ(SafetensorsDTypeName(DType::kI1), "BOOL");
  EXPECT_EQ(SafetensorsDTypeName(DType::kBF16), "BF16");
  EXPECT_EQ(DTypeName(DType::kI1), "i1");
  EXPECT_EQ(NpyDescr(DType::kF16), "<f2");
  EXPECT_EQ(NpyDescr(DType::kI8), "|i1");
  EXPECT_EQ(NpyDescr(DType::kI1), "|b1");
}

TEST(DTypeTest, Bf16HasNoNpyDescr) { EXPECT_FALSE(NpyDescr(DType::kBF16).has_value()); }

TEST(DTypeTest, UnknownNamesAreRefused) {
  for (std::string_view name : {"", "f128", "F32 ", "f32x", "bool"}) {
    EXPECT_FALSE(DTypeFromName(name).has_value()) << name;
  }
  for (std::string_view name : {"", "U8", "f32", "F8_E4M3", "bool"}) {
    EXPECT_FALSE(DTypeFromSafetensorsName(name).has_value()) << name;
  }
  for (std::string_view descr : {"", "<u2", ">f4", "<V2", "f4", "<f4 "}) {
    EXPECT_FALSE(DTypeFromNpyDescr(descr).has_value()) << descr;
  }
}

}  // namespace
}  // namespace loom::rt
