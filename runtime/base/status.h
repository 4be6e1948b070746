// Status and Result<T>: the runtime's error channel.
//
// The runtime never throws across its API (DESIGN.md §3: a runtime that validates everything on
// load and refuses bad input with a clear error). Every fallible function returns a Status or a
// Result<T>; messages name the file and the offending field or byte offset, so the caller can
// print them as they are.
#ifndef LOOM_RUNTIME_BASE_STATUS_H_
#define LOOM_RUNTIME_BASE_STATUS_H_

#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace loom::rt {

enum class StatusCode {
  kOk,
  kInvalidArgument,    // the caller passed something unusable (e.g. a bf16 tensor to the npy writer)
  kNotFound,           // a file or a named entry does not exist
  kIoError,            // the operating system refused a read or write
  kInvalidFormat,      // the bytes break the file format
  kUnsupported,        // valid for the format, but not something Loom accepts (Fortran order, ...)
  kResourceExhausted,  // an allocation failed
  kInternal,           // a bug in Loom
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_FORMAT: a.npy: bad magic ..." ("OK" for success).
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }

// Builds a Status whose message is the concatenation of `parts` (anything with operator<<).
template <typename... Parts>
Status MakeStatus(StatusCode code, const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return Status(code, out.str());
}

// Aborts the process with `status` printed: for programming errors only (reading the value of
// a failed Result), never for bad input.
[[noreturn]] void DieOnBadAccess(const Status& status);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { Check(); return *value_; }
  const T& value() const& { Check(); return *value_; }
  T&& value() && { Check(); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void Check() const {
    if (!value_) DieOnBadAccess(status_);
  }
  Status status_;  // OK exactly when value_ holds a value
  std::optional<T> value_;
};

}  // namespace loom::rt

#define LOOM_RT_CONCAT_INNER_(a, b) a##b
#define LOOM_RT_CONCAT_(a, b) LOOM_RT_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is an error.
#define LOOM_RETURN_IF_ERROR(expr)                   \
  do {                                               \
    ::loom::rt::Status loom_rt_status_ = (expr);     \
    if (!loom_rt_status_.ok()) return loom_rt_status_; \
  } while (false)

// `LOOM_ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value, or returns F()'s error.
#define LOOM_ASSIGN_OR_RETURN(lhs, expr) \
  LOOM_ASSIGN_OR_RETURN_IMPL_(LOOM_RT_CONCAT_(loom_rt_result_, __LINE__), lhs, expr)
#define LOOM_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                \
  if (!result.ok()) return result.status();            \
  lhs = std::move(result).value()

#endif  // LOOM_RUNTIME_BASE_STATUS_H_
