#include "runtime/io/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "runtime/io/npy_header.h"
#include "runtime/io/test_util.h"

namespace loom::rt {
namespace {

using testing::BadFileCase;
using testing::GoldenTensor;
using testing::ReadFileBytes;
using testing::TestdataPath;

Result<HostTensor> ReadBytes(const std::string& bytes, const std::string& name = "mem.npy") {
  MemorySource source(name, bytes.data(), bytes.size());
  return ReadNpy(source);
}

// A file with a hand-written header dict, padded the way numpy pads.
std::string NpyWithDict(const std::string& dict, const std::string& data) {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

TEST(NpyTest, ReadsFilesWrittenByNumpy) {
  for (const std::string& name : testing::GoldenNpyNames()) {
    Result<HostTensor> read = ReadNpyFile(TestdataPath(name + ".npy"));
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE(*read == GoldenTensor(name)) << name;
  }
}

TEST(NpyTest, WritesTheBytesNumpyWrites) {
  for (const std::string& name : testing::GoldenNpyNames()) {
    Result<std::string> encoded = EncodeNpy(GoldenTensor(name));
    ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
    EXPECT_EQ(*encoded, ReadFileBytes(TestdataPath(name + ".npy"))) << name;
  }
}

TEST(NpyTest, ReadsVersion2And3Headers) {
  for (int version : {2, 3}) {
    std::string path = TestdataPath("f32_v" + std::to_string(version) + ".npy");
    std::unique_ptr<FileSource> source = FileSource::Open(path).value();
    Result<NpyInfo> info = ReadNpyInfo(*source);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->major_version, version);
    EXPECT_EQ(info->data_offset % 64, 0u);
    Result<HostTensor> read = ReadNpy(*source);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE(*read == GoldenTensor("f32"));
  }
}

TEST(NpyTest, InfoDescribesTheFile) {
  std::unique_ptr<FileSource> source = FileSource::Open(TestdataPath("i32.npy")).value();
  NpyInfo info = ReadNpyInfo(*source).value();
  EXPECT_EQ(info.major_version, 1);
  EXPECT_EQ(info.dtype, DType::kI32);
  EXPECT_EQ(info.shape, (Shape{2, 4}));
  EXPECT_EQ(info.data_offset, 128u);
  EXPECT_EQ(info.data_size, 32u);
}

TEST(NpyTest, RoundTripsEveryDTypeAndRank) {
  uint32_t seed = 1;
  for (DType dtype : kAllDTypes) {
    if (dtype == DType::kBF16) continue;  // no npy descr; see Bf16IsRefused
    for (const Shape& shape : {Shape{}, Shape{0}, Shape{7}, Shape{2, 3, 4}, Shape{3, 0, 2},
                               Shape(kNpyMaxRank, 1)}) {
      HostTensor tensor = testing::PatternTensor(dtype, shape, seed++);
      Result<std::string> bytes = EncodeNpy(tensor);
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      EXPECT_EQ((bytes->size() - tensor.size_bytes()) % 64, 0u)
          << "the data must start at a multiple of 64";
      Result<HostTensor> back = ReadBytes(*bytes);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_TRUE(*back == tensor) << DTypeName(dtype) << " " << ShapeToString(shape);
    }
  }
}

TEST(NpyTest, RoundTripsThroughAFile) {
  std::string path = testing::TempPath("t.npy");
  HostTensor tensor = testing::PatternTensor(DType::kF64, {5, 3}, 9);
  ASSERT_TRUE(WriteNpyFile(path, tensor).ok());
  Result<HostTensor> back = ReadNpyFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == tensor);
  std::remove(path.c_str());
}

TEST(NpyTest, Bf16IsRefused) {
  HostTensor tensor = GoldenTensor("bf16");
  Result<std::string> bytes = EncodeNpy(tensor);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bytes.status().message().find("bfloat16"), std::string::npos);
  std::string path = testing::TempPath("bf16.npy");
  EXPECT_FALSE(WriteNpyFile(path, tensor).ok());
  EXPECT_FALSE(std::ifstream(path).good()) << "a failed write must leave no file";
}

TEST(NpyTest, RankAbove64IsRefusedOnWrite) {
  HostTensor tensor = HostTensor::Allocate(DType::kF32, Shape(kNpyMaxRank + 1, 1)).value();
  EXPECT_EQ(EncodeNpy(tensor).status().code(), StatusCode::kInvalidArgument);
}

TEST(NpyTest, AcceptsTheLiteralSyntaxNumpyAccepts) {
  std::string f4(8, '\0');
  for (const char* dict : {
           "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
           "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,)}",
           "{ 'shape' : ( 2 , ) , 'fortran_order' : False , 'descr' : '<f4' }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}",
       }) {
    Result<HostTensor> read = ReadBytes(NpyWithDict(dict, f4));
    ASSERT_TRUE(read.ok()) << dict << ": " << read.status().ToString();
    EXPECT_EQ(read->dtype(), DType::kF32);
    EXPECT_EQ(read->num_elements(), 2u);
  }
}

TEST(NpyTest, OneByteTypesIgnoreTheByteOrderMark) {
  for (const char* descr : {"<i1", ">i1", "=i1", "|i1"}) {
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (3,), }";
    Result<HostTensor> read = ReadBytes(NpyWithDict(dict, "\x01\x02\xff"));
    ASSERT_TRUE(read.ok()) << descr << ": " << read.status().ToString();
    EXPECT_EQ(read->dtype(), DType::kI8);
  }
  for (const char* descr : {"<b1", ">b1", "|b1"}) {
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (2,), }";
    Result<HostTensor> read = ReadBytes(NpyWithDict(dict, std::string("\x01\x00", 2)));
    ASSERT_TRUE(read.ok()) << descr << ": " << read.status().ToString();
    EXPECT_EQ(read->dtype(), DType::kI1);
  }
}

TEST(NpyTest, MissingFileIsNotFound) {
  Result<HostTensor> read = ReadNpyFile(TestdataPath("no_such_file.npy"));
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find("no_such_file.npy"), std::string::npos);
}

TEST(NpyTest, DirectoryIsRefused) {
  EXPECT_EQ(ReadNpyFile(TestdataPath("bad")).status().code(), StatusCode::kInvalidArgument);
}

// One committed file per reader error (written by make_testdata.py, which also records whether
// numpy refuses the same file).
const std::vector<BadFileCase> kBadNpy = {
    {"empty_file.npy", StatusCode::kInvalidFormat, "truncated: the file is 0 bytes"},
    {"truncated_magic.npy", StatusCode::kInvalidFormat, "truncated: the file is 4 bytes"},
    {"bad_magic.npy", StatusCode::kInvalidFormat, "bad magic"},
    {"truncated_version.npy", StatusCode::kInvalidFormat, "inside the version field"},
    {"bad_version.npy", StatusCode::kUnsupported, "npy format version 4.0"},
    {"truncated_header_length.npy", StatusCode::kInvalidFormat,
     "inside the 4-byte header length field"},
    {"header_past_end.npy", StatusCode::kInvalidFormat,
     "header length 4000 (field at offset 8) runs past the end of the file"},
    {"header_too_large.npy", StatusCode::kInvalidFormat, "exceeds Loom's limit"},
    {"dict_not_a_dict.npy", StatusCode::kInvalidFormat, "at file offset 10: expected '{'"},
    {"dict_unknown_key.npy", StatusCode::kInvalidFormat, "unknown key 'extra'"},
    {"dict_duplicate_key.npy", StatusCode::kInvalidFormat, "duplicate key 'shape'"},
    {"dict_missing_key.npy", StatusCode::kInvalidFormat, "missing key 'fortran_order'"},
    {"dict_missing_colon.npy", StatusCode::kInvalidFormat, "expected ':' after key 'descr'"},
    {"dict_unterminated_string.npy", StatusCode::kInvalidFormat, "unterminated string"},
    {"dict_escape_in_string.npy", StatusCode::kInvalidFormat, "escape sequences"},
    {"dict_bad_bool.npy", StatusCode::kInvalidFormat, "must be True or False"},
    {"dict_shape_list.npy", StatusCode::kInvalidFormat, "'shape' must be a tuple"},
    {"dict_shape_int_in_parens.npy", StatusCode::kInvalidFormat, "'(N)' is not a tuple"},
    {"dict_shape_negative.npy", StatusCode::kInvalidFormat, "non-negative integers"},
    {"dict_shape_leading_zero.npy", StatusCode::kInvalidFormat, "leading zero"},
    {"dict_shape_dim_too_big.npy", StatusCode::kInvalidFormat, "exceeds 2^63 - 1"},
    {"dict_shape_rank_65.npy", StatusCode::kInvalidFormat, "more than 64 dims"},
    {"dict_trailing_text.npy", StatusCode::kInvalidFormat, "unexpected text after"},
    {"descr_unknown.npy", StatusCode::kUnsupported, "unknown or unsupported descr '<u2'"},
    {"descr_structured.npy", StatusCode::kUnsupported, "structured dtype"},
    {"descr_bfloat16_void.npy", StatusCode::kUnsupported, "ml_dtypes saves bfloat16"},
    {"descr_big_endian.npy", StatusCode::kUnsupported, "big-endian descr '>f4'"},
    {"fortran_order.npy", StatusCode::kUnsupported, "Fortran-order"},
    {"shape_overflow.npy", StatusCode::kInvalidFormat,
     "shape [4611686018427387904, 4] of '<f4' overflows"},
    {"data_too_short.npy", StatusCode::kInvalidFormat,
     "data size mismatch: shape [2, 3] of '<f4' needs 24 bytes after the header (offset 128), "
     "the file holds 23"},
    {"data_too_long.npy", StatusCode::kInvalidFormat, "needs 24 bytes after the header "
                                                      "(offset 128), the file holds 25"},
    {"bool_not_0_or_1.npy", StatusCode::kInvalidFormat,
     "array: bool element 0 (file offset 128) holds 2; a bool must be 0 or 1"},
};

class NpyBadFileTest : public ::testing::TestWithParam<BadFileCase> {};

TEST_P(NpyBadFileTest, IsRefusedWithItsOwnError) {
  testing::ExpectBadFileRejected(GetParam(), ReadNpyFile, ReadNpy);
}

INSTANTIATE_TEST_SUITE_P(Files, NpyBadFileTest, ::testing::ValuesIn(kBadNpy),
                         testing::BadFileCaseName);

TEST(NpyTest, EveryBadFileHasACase) { testing::ExpectCasesCoverFolder(kBadNpy, ".npy"); }

}  // namespace
}  // namespace loom::rt
