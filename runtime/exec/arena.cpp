#include "runtime/exec/arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace loom::rt {

HostArena::~HostArena() {
  if (data_ != nullptr) munmap(data_, mapped_);
}

HostArena::HostArena(HostArena&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

HostArena& HostArena::operator=(HostArena&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) munmap(data_, mapped_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

Result<HostArena> HostArena::Allocate(const std::string& name, uint64_t size_bytes,
                                      uint64_t alignment) {
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (alignment > page) {
    return MakeStatus(StatusCode::kUnsupported, "arena '", name, "': alignment ", alignment,
                      " exceeds the page size ", page);
  }
  HostArena arena;
  if (size_bytes == 0) return arena;
  uint64_t mapped = (size_bytes + page - 1) / page * page;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return MakeStatus(StatusCode::kResourceExhausted, "arena '", name, "': cannot map ", size_bytes,
                      " bytes: ", std::strerror(errno));
  }
  arena.data_ = static_cast<std::byte*>(p);
  arena.size_ = size_bytes;
  arena.mapped_ = mapped;
  return arena;
}

}  // namespace loom::rt
