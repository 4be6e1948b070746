// For loom-run's end-to-end tests: a shell command's exit code and its stdout and stderr.
#ifndef LOOM_RUNTIME_TOOLS_TEST_SHELL_H_
#define LOOM_RUNTIME_TOOLS_TEST_SHELL_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace loom::rt::testing {

struct Outcome {
  int exit_code;       // -1 when the command did not exit normally
  std::string output;  // stdout and stderr
};

inline Outcome RunShell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  Outcome outcome{-1, ""};
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) outcome.output.append(buffer, n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

}  // namespace loom::rt::testing

#endif  // LOOM_RUNTIME_TOOLS_TEST_SHELL_H_
