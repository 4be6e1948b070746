#include "runtime/base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

namespace loom::rt {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, MakeStatusConcatenatesParts) {
  Status s = MakeStatus(StatusCode::kInvalidFormat, "a.npy", ": offset ", 12, " bad");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "a.npy: offset 12 bad");
  EXPECT_EQ(s.ToString(), "INVALID_FORMAT: a.npy: offset 12 bad");
}

TEST(StatusTest, EveryCodeHasADistinctName) {
  std::set<std::string> names;
  for (StatusCode code : {StatusCode::kOk, StatusCode::kInvalidArgument, StatusCode::kNotFound,
                          StatusCode::kIoError, StatusCode::kInvalidFormat,
                          StatusCode::kUnsupported, StatusCode::kResourceExhausted,
                          StatusCode::kInternal}) {
    EXPECT_TRUE(names.insert(StatusCodeName(code)).second) << StatusCodeName(code);
  }
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = Status(StatusCode::kNotFound, "missing");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

TEST(ResultTest, OkStatusWithoutValueBecomesInternalError) {
  Result<int> r = OkStatus();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> bad = Status(StatusCode::kIoError, "disk on fire");
  EXPECT_DEATH((void)bad.value(), "disk on fire");
}

Result<int> Half(int x) {
  if (x % 2) return MakeStatus(StatusCode::kInvalidArgument, x, " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  LOOM_ASSIGN_OR_RETURN(int half, Half(x));
  LOOM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  LOOM_RETURN_IF_ERROR(Half(x).status());
  return OkStatus();
}

TEST(MacrosTest, PropagateTheFirstError) {
  EXPECT_EQ(*Quarter(12), 3);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).message(), "5 is odd");
}

}  // namespace
}  // namespace loom::rt
