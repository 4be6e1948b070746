#include "runtime/io/safetensors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "runtime/io/test_util.h"

namespace loom::rt {
namespace {

using testing::BadFileCase;
using testing::GoldenTensor;
using testing::ReadFileBytes;
using testing::TestdataPath;

Result<SafetensorsFile> ReadBytes(const std::string& bytes,
                                  const std::string& name = "mem.safetensors") {
  MemorySource source(name, bytes.data(), bytes.size());
  return ReadSafetensors(source);
}

// An 8-byte size prefix, the header text, then the data.
std::string WithHeader(const std::string& header, const std::string& data) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

// The tensors of all_dtypes.safetensors, as make_testdata.py writes them.
SafetensorsFile AllDTypesGolden() {
  SafetensorsFile file;
  file.metadata["format"] = "loom-test";
  for (const char* name : {"f64", "f32", "bf16", "f16", "i64", "i32", "i8", "bool", "scalar"}) {
    file.tensors.emplace(name, GoldenTensor(name));
  }
  file.tensors.emplace("empty", GoldenTensor("i32_empty"));
  return file;
}

TEST(SafetensorsTest, ReadsFilesWrittenByTheReference) {
  Result<SafetensorsFile> all = ReadSafetensorsFile(TestdataPath("all_dtypes.safetensors"));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  testing::ExpectSameSafetensors(*all, AllDTypesGolden());

  Result<SafetensorsFile> single = ReadSafetensorsFile(TestdataPath("single.safetensors"));
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  EXPECT_TRUE(single->metadata.empty());
  ASSERT_EQ(single->tensors.count("f32"), 1u);
  EXPECT_TRUE(single->tensors.at("f32") == GoldenTensor("f32"));

  Result<SafetensorsFile> none = ReadSafetensorsFile(TestdataPath("no_tensors.safetensors"));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->tensors.empty());
}

TEST(SafetensorsTest, WritesTheBytesTheReferenceWrites) {
  EXPECT_EQ(EncodeSafetensors(AllDTypesGolden()).value(),
            ReadFileBytes(TestdataPath("all_dtypes.safetensors")));
  SafetensorsFile single;
  single.tensors.emplace("f32", GoldenTensor("f32"));
  EXPECT_EQ(EncodeSafetensors(single).value(), ReadFileBytes(TestdataPath("single.safetensors")));
  EXPECT_EQ(EncodeSafetensors(SafetensorsFile{}).value(),
            ReadFileBytes(TestdataPath("no_tensors.safetensors")));
}

TEST(SafetensorsTest, IndexGivesOffsetsAndSingleTensorReads) {
  std::unique_ptr<FileSource> source =
      FileSource::Open(TestdataPath("all_dtypes.safetensors")).value();
  SafetensorsIndex index = ReadSafetensorsIndex(*source).value();
  EXPECT_EQ(index.data_start % 8, 0u);
  EXPECT_EQ(index.tensors.size(), 10u);
  const SafetensorsEntry& i64 = index.tensors.at("i64");  // the reference puts I64 first
  EXPECT_EQ(i64.begin, 0u);
  EXPECT_EQ(i64.end, 24u);
  EXPECT_EQ(i64.dtype, DType::kI64);
  Result<HostTensor> bf16 = ReadSafetensorsTensor(*source, index, "bf16");
  ASSERT_TRUE(bf16.ok()) << bf16.status().ToString();
  EXPECT_TRUE(*bf16 == GoldenTensor("bf16"));
  EXPECT_EQ(ReadSafetensorsTensor(*source, index, "nope").status().code(), StatusCode::kNotFound);
}

TEST(SafetensorsTest, RoundTripsEveryDType) {
  SafetensorsFile file;
  file.metadata = {{"a", "1"}, {"quote\"and\nnewline", "ünïcødé"}, {"", ""}};
  uint32_t seed = 1;
  for (DType dtype : kAllDTypes) {
    std::string name(DTypeName(dtype));
    for (const Shape& shape : {Shape{}, Shape{0}, Shape{5}, Shape{3, 2, 7}, Shape{2, 0}}) {
      file.tensors.emplace(name + "/" + ShapeToString(shape),
                           testing::PatternTensor(dtype, shape, seed++));
    }
  }
  file.tensors.emplace("名前 with spaces", testing::PatternTensor(DType::kF32, {3}, 99));
  Result<std::string> bytes = EncodeSafetensors(file);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<SafetensorsFile> back = ReadBytes(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  testing::ExpectSameSafetensors(*back, file);

  std::string path = testing::TempPath("t.safetensors");
  ASSERT_TRUE(WriteSafetensorsFile(path, file).ok());
  Result<SafetensorsFile> from_file = ReadSafetensorsFile(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  testing::ExpectSameSafetensors(*from_file, file);
  std::remove(path.c_str());
}

TEST(SafetensorsTest, WriterAlignsEveryTensorToItsElementSize) {
  SafetensorsFile file = AllDTypesGolden();
  std::string bytes = EncodeSafetensors(file).value();
  MemorySource source("mem", bytes.data(), bytes.size());
  SafetensorsIndex index = ReadSafetensorsIndex(source).value();
  for (const auto& [name, entry] : index.tensors) {
    EXPECT_EQ((index.data_start + entry.begin) % DTypeSize(entry.dtype), 0u) << name;
  }
}

TEST(SafetensorsTest, AcceptsTensorsInAnyOrderAndEmptyTensorsSharingOffsets) {
  std::string header =
      R"({"b":{"dtype":"I8","shape":[2],"data_offsets":[4,6]},)"
      R"("z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
      R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("y":{"dtype":"BOOL","shape":[0,9],"data_offsets":[4,4]}}  )";
  Result<SafetensorsFile> file = ReadBytes(WithHeader(header, std::string("\0\0\x80?\x05\x06", 6)));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->tensors.at("a").data_as<float>()[0], 1.0f);
  EXPECT_EQ(file->tensors.at("b").data_as<int8_t>()[1], 6);
  EXPECT_EQ(file->tensors.at("y").shape(), (Shape{0, 9}));
}

TEST(SafetensorsTest, WriterRefusesTheReservedName) {
  SafetensorsFile file;
  file.tensors.emplace("__metadata__", GoldenTensor("f32"));
  Status status = EncodeSafetensors(file).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("reserved"), std::string::npos);
}

TEST(SafetensorsTest, WriterRefusesInvalidUtf8) {
  SafetensorsFile file;
  file.tensors.emplace("bad\xff", GoldenTensor("f32"));
  EXPECT_EQ(EncodeSafetensors(file).status().code(), StatusCode::kInvalidArgument);
  SafetensorsFile meta;
  meta.metadata["k"] = "\xc3";
  EXPECT_EQ(EncodeSafetensors(meta).status().code(), StatusCode::kInvalidArgument);
  std::string path = testing::TempPath("bad.safetensors");
  EXPECT_FALSE(WriteSafetensorsFile(path, meta).ok());
  EXPECT_FALSE(std::ifstream(path).good()) << "a failed write must leave no file";
}

TEST(SafetensorsTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadSafetensorsFile(TestdataPath("none.safetensors")).status().code(),
            StatusCode::kNotFound);
}

// One committed file per reader error (written by make_testdata.py, which also records whether
// the reference crate refuses the same file).
const std::vector<BadFileCase> kBadSafetensors = {
    {"too_small.safetensors", StatusCode::kInvalidFormat, "truncated: the file is 6 bytes"},
    {"header_too_large.safetensors", StatusCode::kInvalidFormat,
     "header size 100000001 (field at offset 0) exceeds the limit of 100000000 bytes"},
    {"header_past_end.safetensors", StatusCode::kInvalidFormat,
     "header size 1000 (field at offset 0) runs past the end of the file"},
    {"header_not_object_start.safetensors", StatusCode::kInvalidFormat,
     "header does not start with '{'"},
    {"invalid_json.safetensors", StatusCode::kInvalidFormat, "header is not valid JSON"},
    {"invalid_utf8.safetensors", StatusCode::kInvalidFormat, "ill-formed UTF-8"},
    {"duplicate_tensor.safetensors", StatusCode::kInvalidFormat,
     "header has the key 'a' more than once"},
    {"duplicate_field.safetensors", StatusCode::kInvalidFormat,
     "header has the key 'dtype' more than once"},
    {"too_deep.safetensors", StatusCode::kInvalidFormat, "header nests deeper than 16 levels"},
    {"metadata_not_object.safetensors", StatusCode::kInvalidFormat,
     "__metadata__ is not a JSON object"},
    {"metadata_value_not_string.safetensors", StatusCode::kInvalidFormat,
     "__metadata__ entry 'k' is not a string"},
    {"entry_not_object.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': entry is not a JSON object"},
    {"entry_missing_field.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': missing field 'data_offsets'"},
    {"entry_unknown_field.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': unknown field 'x'"},
    {"dtype_not_string.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': dtype is not a string"},
    {"dtype_unknown.safetensors", StatusCode::kUnsupported,
     "tensor 'a': dtype 'Q8' is unknown or unsupported"},
    {"dtype_unsupported.safetensors", StatusCode::kUnsupported,
     "tensor 'a': dtype 'U8' is unknown or unsupported (Loom reads F64 F32 BF16 F16 I64 I32 I8 "
     "BOOL)"},
    {"shape_not_array.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': shape is not an array"},
    {"shape_negative.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': shape [-1] must hold integers in [0, 2^63)"},
    {"shape_float.safetensors", StatusCode::kInvalidFormat, "tensor 'a': shape [1.0] must hold"},
    {"offsets_wrong_length.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': data_offsets [0] must be two integers"},
    {"offsets_negative.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': data_offsets [-4,0] must be two integers"},
    {"shape_overflow.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': shape [4611686018427387904, 8] of F32 overflows"},
    {"offsets_reversed.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': data_offsets [4,0] end before they begin"},
    {"size_mismatch.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': data_offsets [0,4] hold 4 bytes, but shape [2] of F32 needs 8"},
    {"gap.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': data_offsets [4, 8] leave a gap after the data before them, which ends at "
     "offset 0"},
    {"overlap.safetensors", StatusCode::kInvalidFormat,
     "tensor 'b': data_offsets [0, 4] overlap the data before them, which ends at offset 4"},
    {"data_too_long.safetensors", StatusCode::kInvalidFormat,
     "tensors cover 4 bytes of data, but the file holds 5 bytes after the header"},
    {"data_too_short.safetensors", StatusCode::kInvalidFormat,
     "tensors cover 4 bytes of data, but the file holds 3 bytes after the header"},
    {"bool_not_0_or_1.safetensors", StatusCode::kInvalidFormat,
     "tensor 'a': bool element 0 (file offset 63) holds 2; a bool must be 0 or 1"},
};

class SafetensorsBadFileTest : public ::testing::TestWithParam<BadFileCase> {};

TEST_P(SafetensorsBadFileTest, IsRefusedWithItsOwnError) {
  testing::ExpectBadFileRejected(GetParam(), ReadSafetensorsFile, ReadSafetensors);
}

INSTANTIATE_TEST_SUITE_P(Files, SafetensorsBadFileTest, ::testing::ValuesIn(kBadSafetensors),
                         testing::BadFileCaseName);

TEST(SafetensorsTest, EveryBadFileHasACase) {
  testing::ExpectCasesCoverFolder(kBadSafetensors, ".safetensors");
}

}  // namespace
}  // namespace loom::rt
