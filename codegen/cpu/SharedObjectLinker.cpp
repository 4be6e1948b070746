//===- SharedObjectLinker.cpp - an object file into a kernels .so ----------===//

#include "codegen/cpu/SharedObjectLinker.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>
#include <link.h>

#include <optional>
#include <string>

namespace mlir::loom::codegen {
namespace {

constexpr const char *kLinkerName = "ld.lld-22";
constexpr const char *kLinkerPaths[] = {"/usr/lib/llvm-22/bin/ld.lld", "/usr/bin/ld.lld-22"};

std::optional<std::string> findLinker() {
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(kLinkerName))
    return *found;
  for (const char *path : kLinkerPaths)
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  return std::nullopt;
}

/// The file of the shared library `soname` as this process's dynamic loader
/// resolves it (loading it if no one has yet): the library the kernels will
/// run with, without guessing the distribution's directories.
std::optional<std::string> hostLibrary(const char *soname) {
  void *handle = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle)
    handle = dlopen(soname, RTLD_LAZY);
  if (!handle)
    return std::nullopt;
  std::optional<std::string> path;
  struct link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name && *map->l_name)
    path = map->l_name;
  dlclose(handle);
  return path;
}

LogicalResult writeFile(StringRef path, ArrayRef<char> bytes, Location loc) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (!error) {
    out.write(bytes.data(), bytes.size());
    out.close();
    error = out.error();
  }
  if (error)
    return emitError(loc) << "cannot write " << path << ": " << error.message();
  return success();
}

/// What the linker printed, for the diagnostic.
std::string readLog(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> log = llvm::MemoryBuffer::getFile(path);
  return log ? (*log)->getBuffer().trim().str() : std::string();
}

} // namespace

LogicalResult linkSharedObject(ArrayRef<char> object, StringRef soPath, Location loc) {
  std::optional<std::string> linker = findLinker();
  if (!linker)
    return emitError(loc) << "cannot link the kernels .so: " << kLinkerName
                          << " is not on PATH nor at " << kLinkerPaths[0] << " or "
                          << kLinkerPaths[1] << " (install the lld-22 package)";
  SmallVector<std::string> libraries;
  for (const char *soname : {"libm.so.6", "libc.so.6", "libgcc_s.so.1"}) {
    std::optional<std::string> path = hostLibrary(soname);
    if (!path)
      return emitError(loc) << "cannot link the kernels .so: the dynamic loader finds no "
                            << soname;
    libraries.push_back(*path);
  }

  SmallString<128> objectPath, logPath, tempPath;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("loom-kernels", "o", objectPath))
    return emitError(loc) << "cannot create a temporary object file: " << error.message();
  llvm::FileRemover removeObject(objectPath);
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("loom-lld", "log", logPath))
    return emitError(loc) << "cannot create a temporary log file: " << error.message();
  llvm::FileRemover removeLog(logPath);
  // Beside soPath, so that the final rename stays on one file system (atomic).
  if (std::error_code error =
          llvm::sys::fs::createUniqueFile(soPath + ".tmp-%%%%%%%%", tempPath))
    return emitError(loc) << "cannot create a file beside " << soPath << ": " << error.message();
  llvm::FileRemover removeTemp(tempPath);
  if (failed(writeFile(objectPath, object, loc)))
    return failure();

  SmallVector<StringRef> args{*linker,      "-shared", "-o",         tempPath,
                              objectPath,   "-z",      "defs",       "-z",
                              "noexecstack", "--as-needed"};
  for (const std::string &library : libraries)
    args.push_back(library);
  std::optional<StringRef> redirects[] = {StringRef(""), logPath.str(), logPath.str()};
  std::string why;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, redirects,
                                         /*SecondsToWait=*/0, /*MemoryLimit=*/0, &why);
  if (status != 0) {
    std::string log = readLog(logPath);
    return emitError(loc) << "linking the kernels .so with " << *linker << " failed"
                          << (status < 0 ? " to run: " + why : ":") << "\n"
                          << log;
  }
  if (std::error_code error = llvm::sys::fs::rename(tempPath, soPath))
    return emitError(loc) << "cannot move the kernels .so to " << soPath << ": "
                          << error.message();
  removeTemp.releaseFile();
  return success();
}

} // namespace mlir::loom::codegen
