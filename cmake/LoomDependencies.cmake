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
