// A whole small file as bytes (state files, manifests, specs, corpora), with FileSource's
// errors: kNotFound "PATH: cannot open: ..." for a missing file, kInvalidArgument for a folder
// or device, kIoError for a failed read.
#ifndef LOOM_RUNTIME_IO_READ_FILE_H_
#define LOOM_RUNTIME_IO_READ_FILE_H_

#include <string>

#include "runtime/base/status.h"

namespace loom::rt {

Result<std::string> ReadFileToString(const std::string& path);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_READ_FILE_H_
