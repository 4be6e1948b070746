// loom-runtime-io-bench: loading a 64 MiB f32 tensor from .npy and from safetensors, against
// plain memcpy of the same bytes in the same run (the floor any loader is judged by). The files
// are written once to $TMPDIR (default /tmp) and read back from the page cache.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"

namespace loom::rt {
namespace {

constexpr int64_t kElements = int64_t{16} << 20;  // 16 Mi f32 = 64 MiB

struct BenchFiles {
  std::string npy;
  std::string safetensors;
  HostTensor tensor;

  BenchFiles() {
    const char* dir = std::getenv("TMPDIR");
    std::string base = std::string(dir && *dir ? dir : "/tmp") + "/loom-io-bench-" +
                       std::to_string(::getpid());
    npy = base + ".npy";
    safetensors = base + ".safetensors";
    tensor = HostTensor::Allocate(DType::kF32, {kElements}).value();
    float* data = tensor.data_as<float>();
    for (int64_t i = 0; i < kElements; ++i) data[i] = static_cast<float>(i % 1000) * 0.5f;
    SafetensorsFile file;
    file.tensors.emplace("w", tensor.Clone().value());
    Status npy_status = WriteNpyFile(npy, tensor);
    Status st_status = WriteSafetensorsFile(safetensors, file);
    if (!npy_status.ok() || !st_status.ok()) {
      std::fprintf(stderr, "%s\n%s\n", npy_status.ToString().c_str(),
                   st_status.ToString().c_str());
      std::exit(1);
    }
  }
  ~BenchFiles() {
    std::remove(npy.c_str());
    std::remove(safetensors.c_str());
  }
};

BenchFiles& Files() {
  static BenchFiles files;
  return files;
}

void Finish(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * kElements * static_cast<int64_t>(sizeof(float)));
}

// memcpy into a buffer allocated once: the bandwidth floor.
void BM_MemcpyPreallocated(benchmark::State& state) {
  const HostTensor& src = Files().tensor;
  HostTensor dst = HostTensor::Allocate(DType::kF32, {kElements}).value();
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size_bytes());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  Finish(state);
}

// A fresh tensor per iteration, as a loader must produce: adds the page faults of new memory.
void BM_AllocateAndMemcpy(benchmark::State& state) {
  const HostTensor& src = Files().tensor;
  for (auto _ : state) {
    HostTensor dst = HostTensor::Allocate(DType::kF32, {kElements}).value();
    std::memcpy(dst.data(), src.data(), src.size_bytes());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  Finish(state);
}

void BM_ReadNpyFile(benchmark::State& state) {
  for (auto _ : state) {
    Result<HostTensor> t = ReadNpyFile(Files().npy);
    if (!t.ok()) state.SkipWithError(t.status().ToString().c_str());
    benchmark::DoNotOptimize(t);
  }
  Finish(state);
}

void BM_ReadSafetensorsFile(benchmark::State& state) {
  for (auto _ : state) {
    Result<SafetensorsFile> f = ReadSafetensorsFile(Files().safetensors);
    if (!f.ok()) state.SkipWithError(f.status().ToString().c_str());
    benchmark::DoNotOptimize(f);
  }
  Finish(state);
}

BENCHMARK(BM_MemcpyPreallocated)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AllocateAndMemcpy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReadNpyFile)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReadSafetensorsFile)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace loom::rt

BENCHMARK_MAIN();
