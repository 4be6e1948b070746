// For loom-run's end-to-end tests: a shell command's exit code and its stdout and stderr, and
// the tiny Llama compiled by loomc.
#ifndef LOOM_RUNTIME_TOOLS_TEST_SHELL_H_
#define LOOM_RUNTIME_TOOLS_TEST_SHELL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

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

// The loomc of the end-to-end tests: $LOOM_LOOMC, else the build's (LOOM_LOOMC_BINARY, defined
// by a build with the compiler), else "".
inline std::string Loomc() {
  if (const char* env = std::getenv("LOOM_LOOMC"); env != nullptr && *env != '\0') return env;
#ifdef LOOM_LOOMC_BINARY
  return LOOM_LOOMC_BINARY;
#else
  return "";
#endif
}

struct CompiledBundle {
  std::string skip;   // why the tests skip: no loomc (a runtime-only build)
  std::string error;  // loomc failed
  std::string root;   // a fresh folder for the suite, TEMP/NAME_PID
  std::string bundle; // ROOT/tiny.bundle
};

// Compiles `spec` for the CPU into a fresh folder for a suite of `command` tests.
inline CompiledBundle CompileTestBundle(const std::string& name, const std::string& spec,
                                        const std::string& command,
                                        const std::string& target = "cpu") {
  CompiledBundle out;
  const std::string loomc = Loomc();
  if (loomc.empty()) {
    out.skip = "no loomc: this is a runtime-only build (-DLOOM_BUILD_COMPILER=OFF); set "
               "LOOM_LOOMC=/path/to/loomc to run loom-run " + command + " end to end";
    return out;
  }
  out.root = ::testing::TempDir() + "/" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(out.root);
  std::filesystem::create_directories(out.root);
  out.bundle = out.root + "/tiny.bundle";
  Outcome compiled = RunShell(loomc + " " + spec + " --target=" + target + " -o " + out.bundle);
  if (compiled.exit_code != 0) out.error = "loomc failed:\n" + compiled.output;
  return out;
}

}  // namespace loom::rt::testing

#endif  // LOOM_RUNTIME_TOOLS_TEST_SHELL_H_
