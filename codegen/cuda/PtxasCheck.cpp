//===- PtxasCheck.cpp - ptxas -v on a PTX module, per kernel ---------------===//

#include "codegen/cuda/PtxasCheck.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

#include <optional>

#ifndef LOOM_CUDA_TOOLKIT_DIR
#define LOOM_CUDA_TOOLKIT_DIR "/usr/local/cuda"
#endif

namespace mlir::loom::codegen {
namespace {

/// The integer right before `unit` in `line` ("12 bytes spill stores" with
/// unit "bytes spill stores" gives 12), if the unit is there.
std::optional<int64_t> numberBefore(llvm::StringRef line, llvm::StringRef unit) {
  size_t at = line.find(unit);
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef head = line.take_front(at).rtrim();
  size_t start = head.size();
  while (start > 0 && llvm::isDigit(head[start - 1]))
    --start;
  int64_t value = 0;
  if (start == head.size() || head.drop_front(start).getAsInteger(10, value))
    return std::nullopt;
  return value;
}

/// 'name' in "... entry function 'name' for ..." or "Function properties for name".
std::optional<std::string> entryName(llvm::StringRef line) {
  constexpr llvm::StringLiteral compiling = "Compiling entry function '";
  size_t at = line.find(compiling);
  if (at != llvm::StringRef::npos) {
    llvm::StringRef rest = line.drop_front(at + compiling.size());
    return rest.take_until([](char c) { return c == '\''; }).str();
  }
  return std::nullopt;
}

} // namespace

const PtxasKernelStats *PtxasReport::find(llvm::StringRef name) const {
  for (const PtxasKernelStats &kernel : kernels)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

std::string findPtxas() {
  if (std::optional<std::string> explicitPath = llvm::sys::Process::GetEnv("LOOM_PTXAS"))
    if (!explicitPath->empty())
      return *explicitPath;
  std::vector<std::string> roots;
  for (const char *name : {"LOOM_CUDA_TOOLKIT", "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(name))
      roots.push_back(*value);
  roots.push_back(LOOM_CUDA_TOOLKIT_DIR);
  for (const std::string &root : roots) {
    if (root.empty())
      continue;
    llvm::SmallString<256> path(root);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  }
  if (llvm::ErrorOr<std::string> onPath = llvm::sys::findProgramByName("ptxas"))
    return *onPath;
  return "";
}

std::vector<PtxasKernelStats> parsePtxasVerbose(llvm::StringRef log) {
  std::vector<PtxasKernelStats> kernels;
  llvm::SmallVector<llvm::StringRef> lines;
  log.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    if (std::optional<std::string> name = entryName(line)) {
      kernels.push_back(PtxasKernelStats{});
      kernels.back().name = *name;
      continue;
    }
    if (kernels.empty())
      continue;
    PtxasKernelStats &kernel = kernels.back();
    if (auto frame = numberBefore(line, "bytes stack frame"))
      kernel.localBytes = std::max(kernel.localBytes, *frame);
    if (auto stores = numberBefore(line, "bytes spill stores"))
      kernel.spillStoreBytes = *stores;
    if (auto loads = numberBefore(line, "bytes spill loads"))
      kernel.spillLoadBytes = *loads;
    if (auto registers = numberBefore(line, "registers"))
      kernel.registers = *registers;
    if (auto lmem = numberBefore(line, "bytes lmem"))
      kernel.localBytes = std::max(kernel.localBytes, *lmem);
    if (auto smem = numberBefore(line, "bytes smem"))
      kernel.sharedBytes = *smem;
    if (auto barriers = numberBefore(line, "barriers"))
      kernel.barriers = *barriers;
  }
  return kernels;
}

llvm::Expected<PtxasReport> runPtxas(llvm::StringRef ptxas, llvm::StringRef ptxPath,
                                     llvm::StringRef arch, llvm::StringRef cubinPath) {
  if (ptxas.empty() || !llvm::sys::fs::can_execute(ptxas))
    return llvm::createStringError("no ptxas at '" + ptxas + "'");
  llvm::SmallString<128> cubin(cubinPath), log;
  if (cubin.empty())
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile("loom-ptxas", "cubin", cubin))
      return llvm::createStringError(ec, "cannot create a temporary cubin");
  // A kept cubin goes only where ptxas accepted the PTX (removed below otherwise).
  llvm::FileRemover removeCubin(cubin);
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("loom-ptxas", "log", log))
    return llvm::createStringError(ec, "cannot create a temporary log");
  llvm::FileRemover removeLog(log);

  std::string archFlag = ("-arch=" + arch).str();
  llvm::SmallVector<llvm::StringRef> args{ptxas, archFlag, "-v", ptxPath, "-o", cubin};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, /*Env=*/std::nullopt, redirects,
                                     /*SecondsToWait=*/300, /*MemoryLimit=*/0, &message);
  if (rc < 0)
    return llvm::createStringError("running " + ptxas + " failed: " + message);
  PtxasReport report;
  report.accepted = rc == 0;
  if (report.accepted && !cubinPath.empty())
    removeCubin.releaseFile();
  if (llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
          llvm::MemoryBuffer::getFile(log))
    report.log = (*text)->getBuffer().str();
  report.kernels = parsePtxasVerbose(report.log);
  return report;
}

} // namespace mlir::loom::codegen
