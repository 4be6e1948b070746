// Helpers for the runtime/io tests: test data paths, file bytes, tensors from values, and the
// golden tensors that runtime/io/testdata/make_testdata.py writes with numpy and safetensors.
#ifndef LOOM_RUNTIME_IO_TEST_UTIL_H_
#define LOOM_RUNTIME_IO_TEST_UTIL_H_

#include <cstring>
#include <string>
#include <vector>

#include "runtime/base/host_tensor.h"

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

}  // namespace loom::rt::testing

#endif  // LOOM_RUNTIME_IO_TEST_UTIL_H_
