# MLIR/LLVM 22 from Debian (llvm-22-dev, libmlir-22-dev, mlir-22-tools, llvm-22-tools).
# Included only when LOOM_BUILD_COMPILER is ON, after the runtime is configured, so that none of
# these include paths or flags reach the runtime's targets.
find_package(MLIR REQUIRED CONFIG HINTS /usr/lib/llvm-22/lib/cmake/mlir)
if(NOT LLVM_VERSION_MAJOR EQUAL 22)
  message(FATAL_ERROR "Loom needs LLVM/MLIR 22 (found ${LLVM_PACKAGE_VERSION} at ${MLIR_DIR}); "
                      "run scripts/install-deps.sh")
endif()
message(STATUS "Loom: MLIR ${LLVM_PACKAGE_VERSION} from ${MLIR_DIR}")

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})
list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)
set(MLIR_LINK_MLIR_DYLIB ${LOOM_LINK_MLIR_DYLIB})   # MLIRConfig does not set it; AddMLIR reads it

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
# LLVM_DEFINITIONS is one string: split it, or -D flags merge into one.
separate_arguments(LLVM_DEFINITIONS_LIST NATIVE_COMMAND ${LLVM_DEFINITIONS})
add_definitions(${LLVM_DEFINITIONS_LIST})

# Debian ships lit but no llvm-lit.
find_program(LOOM_LIT NAMES lit lit-22 HINTS ${LLVM_TOOLS_BINARY_DIR} /usr/lib/llvm-22/bin REQUIRED)
set(LLVM_EXTERNAL_LIT ${LOOM_LIT})
