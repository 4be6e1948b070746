// AttentionFatbin for a build without nvcc (runtime/device/cuda/kernels/CMakeLists.txt).
#include "runtime/device/cuda/kernels/attention_fatbin.h"

namespace loom::rt::cuda {

std::string_view AttentionFatbin() { return {}; }

}  // namespace loom::rt::cuda
