# Compiler launcher and linker choices that keep a 2-core machine's builds short (DESIGN.md §8).

# ccache: the base dir makes paths relative, so a fresh clone in another folder hits the cache;
# the sloppiness lets precompiled headers and __TIME__-free sources be cached.
if(LOOM_USE_CCACHE)
  find_program(LOOM_CCACHE ccache)
  if(LOOM_CCACHE)
    set(_launcher ${CMAKE_COMMAND} -E env
        CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}
        CCACHE_NOHASHDIR=1
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        ${LOOM_CCACHE})
    set(CMAKE_C_COMPILER_LAUNCHER ${_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_launcher})
    message(STATUS "Loom: compiling through ${LOOM_CCACHE} (base dir ${PROJECT_SOURCE_DIR})")
  endif()
endif()

# lld: LLVM 22's lld when installed, else the system one. Links of tools against libMLIR.so
# drop from seconds to well under one.
find_program(LOOM_LLD NAMES ld.lld PATHS /usr/lib/llvm-22/bin NO_DEFAULT_PATH)
if(NOT LOOM_LLD)
  find_program(LOOM_LLD NAMES ld.lld)
endif()
if(LOOM_LLD)
  get_filename_component(_lld_dir ${LOOM_LLD} DIRECTORY)
  add_link_options("-fuse-ld=lld" "-B${_lld_dir}")
  message(STATUS "Loom: linking with ${LOOM_LLD}")
endif()

# loom_precompile_mlir_headers(target): the MLIR headers every dialect/pass TU includes,
# precompiled once per target (saves several seconds per TU).
# add_mlir_library compiles its sources in an object library obj.<name>.
function(loom_precompile_mlir_headers target)
  if(TARGET obj.${target})
    set(target obj.${target})
  endif()
  target_precompile_headers(${target} PRIVATE
    <mlir/IR/Builders.h>
    <mlir/IR/BuiltinTypes.h>
    <mlir/IR/BuiltinAttributes.h>
    <mlir/IR/Dialect.h>
    <mlir/IR/OpDefinition.h>
    <mlir/IR/OpImplementation.h>
    <mlir/IR/PatternMatch.h>
    <mlir/Interfaces/InferTypeOpInterface.h>
    <mlir/Interfaces/SideEffectInterfaces.h>
    <llvm/ADT/SmallVector.h>
    <llvm/ADT/STLExtras.h>)
endfunction()
