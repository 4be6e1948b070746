#include "runtime/io/read_file.h"

#include "runtime/io/byte_source.h"

namespace loom::rt {

Result<std::string> ReadFileToString(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(path));
  std::string bytes(source->size(), '\0');
  if (!bytes.empty()) LOOM_RETURN_IF_ERROR(source->ReadAt(0, bytes.data(), bytes.size()));
  return bytes;
}

}  // namespace loom::rt
