#include "runtime/io/test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

namespace loom::rt::testing {

std::string TestdataPath(const std::string& relative) {
  return std::string(LOOM_RUNTIME_IO_TESTDATA_DIR) + "/" + relative;
}

std::vector<std::string> ListTestdata(const std::string& folder, const std::string& suffix) {
  std::vector<std::string> names;
  for (const auto& item : std::filesystem::directory_iterator(TestdataPath(folder))) {
    std::string name = item.path().filename().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::abort();
  }
}

std::string TempPath(const std::string& stem) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "none";
  std::replace(test.begin(), test.end(), '/', '_');
  return ::testing::TempDir() + "loom-" + std::to_string(::getpid()) + "-" + test + "-" + stem;
}

HostTensor PatternTensor(DType dtype, Shape shape, uint32_t seed) {
  HostTensor tensor = HostTensor::Allocate(dtype, std::move(shape)).value();
  std::mt19937 rng(seed);
  auto* bytes = tensor.data_as<uint8_t>();
  for (size_t i = 0; i < tensor.size_bytes(); ++i) {
    bytes[i] = static_cast<uint8_t>(dtype == DType::kI1 ? rng() & 1 : rng());
  }
  return tensor;
}

// The formulas of make_testdata.py's golden_arrays(); keep the two in step.
HostTensor GoldenTensor(const std::string& name) {
  auto ramp = [](int n, double scale, double shift) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back((i + shift) * scale);
    return v;
  };
  if (name == "f64") return MakeTensor(DType::kF64, {2, 3}, ramp(6, 0.25, -2));
  if (name == "f32") {
    std::vector<double> d = ramp(6, 0.25, -2);
    return MakeTensor(DType::kF32, {2, 3}, std::vector<float>(d.begin(), d.end()));
  }
  if (name == "f32_specials") {
    return MakeTensor(DType::kF32, {6},
                      std::vector<float>{std::numeric_limits<float>::quiet_NaN(),
                                         std::numeric_limits<float>::infinity(),
                                         -std::numeric_limits<float>::infinity(), -0.0f,
                                         std::numeric_limits<float>::denorm_min(),
                                         std::numeric_limits<float>::max()});
  }
  if (name == "f16") {
    // -1, -0.5, 0, 0.5, 65504 (the largest finite half).
    return MakeTensor(DType::kF16, {5}, std::vector<uint16_t>{0xBC00, 0xB800, 0, 0x3800, 0x7BFF});
  }
  if (name == "bf16") {
    // 1, -2, 0.5, 3.140625.
    return MakeTensor(DType::kBF16, {2, 2}, std::vector<uint16_t>{0x3F80, 0xC000, 0x3F00, 0x4049});
  }
  if (name == "i64") {
    return MakeTensor(DType::kI64, {3},
                      std::vector<int64_t>{-2000000000014, -1000000000007, 0});
  }
  if (name == "i64_scalar") {
    return MakeTensor(DType::kI64, {}, std::vector<int64_t>{(int64_t{1} << 40) + 3});
  }
  if (name == "i32") {
    std::vector<int32_t> v;
    for (int i = 0; i < 8; ++i) v.push_back((i - 3) * 100000);
    return MakeTensor(DType::kI32, {2, 4}, v);
  }
  if (name == "i32_empty") return MakeTensor(DType::kI32, {0, 3}, std::vector<int32_t>{});
  if (name == "i8") {
    return MakeTensor(DType::kI8, {3, 1, 2}, std::vector<int8_t>{-128, -1, 0, 1, 127, 5});
  }
  if (name == "bool") return MakeTensor(DType::kI1, {5}, std::vector<uint8_t>{1, 0, 0, 1, 0});
  if (name == "scalar") return MakeTensor(DType::kF32, {}, std::vector<float>{7.5f});
  std::fprintf(stderr, "no golden tensor named %s\n", name.c_str());
  std::abort();
}

std::vector<std::string> GoldenNpyNames() {
  return {"f64", "f32", "f32_specials", "f16", "i64", "i64_scalar", "i32", "i32_empty", "i8",
          "bool"};
}

std::ostream& operator<<(std::ostream& out, const BadFileCase& c) { return out << c.file; }

std::string BadFileCaseName(const ::testing::TestParamInfo<BadFileCase>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  return name;
}

void ExpectRejected(const Status& status, const std::string& path, const BadFileCase& c) {
  ASSERT_FALSE(status.ok()) << c.file << " was accepted";
  EXPECT_EQ(status.code(), c.code) << status.ToString();
  EXPECT_NE(status.message().find(c.message_part), std::string::npos)
      << "expected \"" << c.message_part << "\" in: " << status.message();
  EXPECT_EQ(status.message().rfind(path + ": ", 0), 0u)
      << "message does not start with the file name: " << status.message();
}

void ExpectSameSafetensors(const SafetensorsFile& a, const SafetensorsFile& b) {
  EXPECT_EQ(a.metadata, b.metadata);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, tensor] : a.tensors) {
    auto it = b.tensors.find(name);
    ASSERT_NE(it, b.tensors.end()) << name;
    EXPECT_TRUE(it->second == tensor) << name;
  }
}

void ExpectCasesCoverFolder(const std::vector<BadFileCase>& cases, const std::string& suffix) {
  std::vector<std::string> listed;
  for (const BadFileCase& c : cases) listed.push_back(c.file);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, ListTestdata("bad", suffix));
}

}  // namespace loom::rt::testing
