#include "runtime/exec/session.h"

namespace loom::rt {

Result<Program*> Session::Load(const std::string& name, const std::string& dir,
                               const ProgramOptions& options) {
  if (programs_.count(name) != 0) {
    return MakeStatus(StatusCode::kInvalidArgument, "a program named '", name,
                      "' is already loaded");
  }
  LOOM_ASSIGN_OR_RETURN(Bundle bundle, LoadBundle(dir));
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<Program> program, Program::Load(std::move(bundle), &pool_, options));
  Program* raw = program.get();
  programs_[name] = std::move(program);
  return raw;
}

Program* Session::Find(const std::string& name) const {
  auto it = programs_.find(name);
  return it == programs_.end() ? nullptr : it->second.get();
}

bool Session::Unload(const std::string& name) { return programs_.erase(name) != 0; }

}  // namespace loom::rt
