// HostArena: one arena of a loaded program (bundle.proto, Arena) in host memory.
//
// Anonymous mmap: zero-filled (the manifest's ZEROS parameters and fresh gradient accumulators
// need no pass over memory), page-aligned (every alignment a manifest may ask, <= 4096), and
// untouched pages of a large arena cost nothing until used.
#ifndef LOOM_RUNTIME_EXEC_ARENA_H_
#define LOOM_RUNTIME_EXEC_ARENA_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/base/status.h"

namespace loom::rt {

class HostArena {
 public:
  HostArena() = default;
  ~HostArena();
  HostArena(HostArena&& other) noexcept;
  HostArena& operator=(HostArena&& other) noexcept;
  HostArena(const HostArena&) = delete;
  HostArena& operator=(const HostArena&) = delete;

  // kResourceExhausted (naming the arena) when the memory cannot be mapped. Size 0 maps
  // nothing (data() is null).
  static Result<HostArena> Allocate(const std::string& name, uint64_t size_bytes,
                                    uint64_t alignment);

  std::byte* data() const { return data_; }
  uint64_t size_bytes() const { return size_; }

 private:
  std::byte* data_ = nullptr;
  uint64_t size_ = 0;
  size_t mapped_ = 0;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_ARENA_H_
