# cmake -P script: compiles a .cu to a fatbin (sm_90 SASS + compute_90 PTX) with nvcc and fails
# when ptxas reports a spill, a stack frame or local memory for any kernel: the hand-written
# kernels keep everything in registers and shared memory, and a spill is a performance bug
# that would otherwise go unnoticed (no GPU runs in CI). Writes ptxas's figures per kernel to
# REPORT; FATBIN is written only when the check passes, so a failed build retries.
#
#   cmake -DNVCC=... -DHOST_COMPILER=... -DINCLUDE_DIR=... -DSOURCE=x.cu -DFATBIN=x.fatbin
#         -DREPORT=x.ptxas.txt -P nvcc_fatbin.cmake
foreach(var NVCC HOST_COMPILER INCLUDE_DIR SOURCE FATBIN REPORT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "nvcc_fatbin.cmake: -D${var}=... is required")
  endif()
endforeach()

set(partial "${FATBIN}.partial")
execute_process(
  COMMAND "${NVCC}" -fatbin
          -gencode arch=compute_90,code=sm_90
          -gencode arch=compute_90,code=compute_90
          -Xptxas -v -O3 -std=c++17 -ccbin "${HOST_COMPILER}" -I "${INCLUDE_DIR}"
          -o "${partial}" "${SOURCE}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  file(REMOVE "${partial}")
  message(FATAL_ERROR "nvcc failed on ${SOURCE}:\n${out}")
endif()

# ptxas -v prints, per entry function:
#   ptxas info    : Compiling entry function 'NAME' for 'sm_90'
#   ptxas info    : Function properties for NAME
#       S bytes stack frame, T bytes spill stores, U bytes spill loads
#   ptxas info    : Used R registers, used 1 barriers[, L bytes lmem][, M bytes smem], ...
string(REPLACE "\n" ";" lines "${out}")
set(kernel "")
set(report "")
set(bad "")
set(kernels 0)
foreach(line IN LISTS lines)
  if(line MATCHES "Compiling entry function '([A-Za-z0-9_]+)'")
    set(kernel "${CMAKE_MATCH_1}")
    math(EXPR kernels "${kernels} + 1")
  elseif(line MATCHES
         "([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, ([0-9]+) bytes spill loads")
    set(stack ${CMAKE_MATCH_1})
    set(stores ${CMAKE_MATCH_2})
    set(loads ${CMAKE_MATCH_3})
  elseif(line MATCHES "Used ([0-9]+) registers" AND NOT kernel STREQUAL "")
    set(registers ${CMAKE_MATCH_1})
    set(lmem 0)
    set(smem 0)
    if(line MATCHES "([0-9]+) bytes lmem")
      set(lmem ${CMAKE_MATCH_1})
    endif()
    if(line MATCHES "([0-9]+) bytes smem")
      set(smem ${CMAKE_MATCH_1})
    endif()
    string(APPEND report "${kernel}: ${registers} registers, ${stack} bytes stack frame, "
                         "${stores} bytes spill stores, ${loads} bytes spill loads, "
                         "${lmem} bytes lmem, ${smem} bytes static smem\n")
    if(NOT (stack EQUAL 0 AND stores EQUAL 0 AND loads EQUAL 0 AND lmem EQUAL 0))
      string(APPEND bad "  ${kernel}: ${stack} bytes stack frame, ${stores} bytes spill stores, "
                        "${loads} bytes spill loads, ${lmem} bytes lmem\n")
    endif()
    set(kernel "")
  endif()
endforeach()

file(WRITE "${REPORT}" "${report}")
if(kernels EQUAL 0)
  file(REMOVE "${partial}")
  message(FATAL_ERROR "nvcc_fatbin.cmake: no ptxas figures in nvcc's output for ${SOURCE}:\n${out}")
endif()
if(NOT bad STREQUAL "")
  file(REMOVE "${partial}")
  message(FATAL_ERROR "${SOURCE}: ptxas reports local memory (spills, stack) for:\n${bad}"
                      "Kernels must stay in registers and shared memory; full report: ${REPORT}")
endif()
file(RENAME "${partial}" "${FATBIN}")
