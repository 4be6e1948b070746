#include "runtime/base/status.h"

#include <cstdio>
#include <cstdlib>

namespace loom::rt {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kIoError: return "IO_ERROR";
    case StatusCode::kInvalidFormat: return "INVALID_FORMAT";
    case StatusCode::kUnsupported: return "UNSUPPORTED";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

Status::Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

void DieOnBadAccess(const Status& status) {
  std::fprintf(stderr, "loom runtime: value of a failed Result accessed: %s\n",
               status.ToString().c_str());
  std::abort();
}

}  // namespace loom::rt
