// `loom-run run`: loads a bundle, its weights and inputs, runs one entry point, writes outputs.
#ifndef LOOM_RUNTIME_TOOLS_RUN_COMMAND_H_
#define LOOM_RUNTIME_TOOLS_RUN_COMMAND_H_

#include "runtime/base/status.h"
#include "runtime/tools/run_args.h"

namespace loom::rt {

Status RunCommand(const RunArgs& args);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TOOLS_RUN_COMMAND_H_
