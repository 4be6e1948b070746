# Third-party packages, all from Debian 12 (scripts/install-deps.sh installs them).

find_package(Protobuf REQUIRED)                    # Debian ships no protobuf-config.cmake: CMake's module
find_package(Threads REQUIRED)
# nlohmann-json: header-only JSON (safetensors headers, golden indexes); Debian nlohmann-json3-dev.
find_package(nlohmann_json 3.10 CONFIG REQUIRED)
if(LOOM_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
  include(GoogleTest)
  find_package(benchmark CONFIG REQUIRED)
endif()

# CUDA toolkit: optional on a user's machine; the ptxas tests say loudly when it is missing
# and fail under CI=true (test/lit.cfg.py).
find_package(CUDAToolkit QUIET)
if(CUDAToolkit_FOUND)
  option(LOOM_ENABLE_CUDA "Build the CUDA parts" ON)
else()
  option(LOOM_ENABLE_CUDA "Build the CUDA parts" OFF)
endif()
find_program(LOOM_PTXAS ptxas HINTS ${CUDAToolkit_BIN_DIR} /usr/local/cuda/bin)
if(LOOM_PTXAS)
  message(STATUS "Loom: ptxas at ${LOOM_PTXAS}")
else()
  set(LOOM_PTXAS "")
  message(WARNING "Loom: ptxas not found; PTX tests will be skipped (and fail under CI=true)")
endif()

# loom_protobuf_cpp(<name> <out_var>): C++ for <name>.proto in the current source dir. protoc
# runs with the repository root as its only import path, so the schema is registered under its
# repository path (e.g. "runtime/schemas/bundle.proto", what other .proto files import) and the
# header lands beside it under the build root. CMake 3.25's protobuf_generate always puts the
# current source dir first on the import path, which would register it as "<name>.proto".
function(loom_protobuf_cpp name out_var)
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set(gen ${PROJECT_BINARY_DIR}/${rel})
  add_custom_command(
    OUTPUT ${gen}/${name}.pb.h ${gen}/${name}.pb.cc
    COMMAND protobuf::protoc --cpp_out=${PROJECT_BINARY_DIR} -I ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_SOURCE_DIR}/${name}.proto
    DEPENDS ${name}.proto protobuf::protoc
    COMMENT "protoc: ${rel}/${name}.proto"
    VERBATIM)
  set(${out_var} ${gen}/${name}.pb.cc PARENT_SCOPE)
endfunction()
