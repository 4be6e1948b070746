// Helpers for the runtime/io tests: test data paths, file bytes, tensors from values, and the
// golden tensors that runtime/io/testdata/make_testdata.py writes with numpy and safetensors.
#ifndef LOOM_RUNTIME_IO_TEST_UTIL_H_
#define LOOM_RUNTIME_IO_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/base/host_tensor.h"
#include "runtime/io/byte_source.h"
#include "runtime/io/safetensors.h"

namespace loom::rt::testing {

// Absolute path of a file under runtime/io/testdata.
std::string TestdataPath(const std::string& relative);
// The sorted file names (not paths) in a testdata folder ending in `suffix`.
std::vector<std::string> ListTestdata(const std::string& folder, const std::string& suffix);
// The whole file; aborts the test binary when it cannot be read (a broken checkout).
std::string ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::string& bytes);
// A path in the test temp dir unique to the running test and process, so tests may run in
// parallel under ctest.
std::string TempPath(const std::string& stem);

// Same metadata, and the same tensors under the same names.
void ExpectSameSafetensors(const SafetensorsFile& a, const SafetensorsFile& b);

// A tensor holding `values` (whose element size must match `dtype`).
template <typename T>
HostTensor MakeTensor(DType dtype, Shape shape, const std::vector<T>& values) {
  HostTensor tensor = HostTensor::Allocate(dtype, std::move(shape)).value();
  if (sizeof(T) != DTypeSize(dtype) || values.size() != tensor.num_elements()) std::abort();
  if (!values.empty()) std::memcpy(tensor.data(), values.data(), tensor.size_bytes());
  return tensor;
}

// A tensor of `dtype` and `shape` with deterministic pseudo-random bytes (0/1 for i1).
HostTensor PatternTensor(DType dtype, Shape shape, uint32_t seed);

// The golden tensors, by the names make_testdata.py uses: f64 f32 f32_specials f16 i64
// i64_scalar i32 i32_empty i8 bool (each also an .npy file), and bf16, scalar.
HostTensor GoldenTensor(const std::string& name);
// The names above that have an .npy file.
std::vector<std::string> GoldenNpyNames();

// A committed invalid file under testdata/bad and the error a reader must give for it.
struct BadFileCase {
  const char* file;
  StatusCode code;
  const char* message_part;  // a substring of the message, which must also name the file
};
// gtest prints the file name for a parameterized case.
std::ostream& operator<<(std::ostream& out, const BadFileCase& c);
std::string BadFileCaseName(const ::testing::TestParamInfo<BadFileCase>& info);
// Checks `status` against `c`; `path` is the name the reader was given.
void ExpectRejected(const Status& status, const std::string& path, const BadFileCase& c);
// Reads testdata/bad/<c.file> with `read_file(path)` and, from memory, with `read(source)`,
// and checks that both give the error `c` describes.
template <typename ReadFile, typename Read>
void ExpectBadFileRejected(const BadFileCase& c, ReadFile read_file, Read read) {
  std::string path = TestdataPath(std::string("bad/") + c.file);
  ExpectRejected(read_file(path).status(), path, c);
  std::string bytes = ReadFileBytes(path);
  MemorySource source(path, bytes.data(), bytes.size());
  ExpectRejected(read(source).status(), path, c);
}
// Fails unless the files in testdata/bad ending in `suffix` are exactly those in `cases`, so
// a file added by make_testdata.py cannot go untested.
void ExpectCasesCoverFolder(const std::vector<BadFileCase>& cases, const std::string& suffix);

}  // namespace loom::rt::testing

#endif  // LOOM_RUNTIME_IO_TEST_UTIL_H_
