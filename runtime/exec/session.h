// Session: several loaded programs at once (issue 5, item 5: an alignment loop keeps a policy,
// a judge and a base model resident), each with its own arenas, sharing one thread pool.
#ifndef LOOM_RUNTIME_EXEC_SESSION_H_
#define LOOM_RUNTIME_EXEC_SESSION_H_

#include <map>
#include <memory>
#include <string>

#include "runtime/base/status.h"
#include "runtime/exec/program.h"
#include "runtime/exec/thread_pool.h"

namespace loom::rt {

class Session {
 public:
  // A fixed thread count (DESIGN.md §4): results never depend on it, but it is chosen once.
  explicit Session(int num_threads) : pool_(num_threads) {}

  // Loads and validates the bundle in `dir` under `name` (kInvalidArgument if taken), on the
  // device `options` names (default: the bundle's target).
  Result<Program*> Load(const std::string& name, const std::string& dir,
                        const ProgramOptions& options = {});
  // nullptr when no program is loaded under `name`.
  Program* Find(const std::string& name) const;
  // Frees the program's arenas and closes its kernel library; false if there was none.
  bool Unload(const std::string& name);
  size_t size() const { return programs_.size(); }
  ThreadPool& pool() { return pool_; }

 private:
  ThreadPool pool_;  // declared first, so it outlives the programs that use it
  std::map<std::string, std::unique_ptr<Program>> programs_;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_SESSION_H_
