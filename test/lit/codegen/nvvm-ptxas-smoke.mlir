// REQUIRES: ptxas
// RUN: loom-opt %s --pass-pipeline='builtin.module(nvvm-attach-target{chip=sm_90 features=+ptx80 O=3},gpu.module(convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},canonicalize,cse,reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' \
// RUN:   | %python %S/../Inputs/extract_ptx.py > %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: %ptxas -arch=sm_90 -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS

/// The toolchain path every generated GPU kernel takes: loom-opt (with the
/// NVVM target registered) lowers a GPU module to PTX for sm_90, and ptxas
/// accepts it without spills or local memory. An axpy kernel in the shape the
/// elementwise strategy will emit: one thread per element, bare pointers.

// CHECK: .target sm_90
// CHECK: .visible .entry axpy_kernel
// PTXAS: Compiling entry function 'axpy_kernel' for 'sm_90'
// PTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @axpy_kernel(%a: f32, %x: memref<1024xf32>, %y: memref<1024xf32>) kernel {
      %bid = gpu.block_id x
      %tid = gpu.thread_id x
      %bdim = gpu.block_dim x
      %base = arith.muli %bid, %bdim : index
      %i = arith.addi %base, %tid : index
      %xv = memref.load %x[%i] : memref<1024xf32>
      %yv = memref.load %y[%i] : memref<1024xf32>
      %ax = arith.mulf %a, %xv : f32
      %s = arith.addf %ax, %yv : f32
      memref.store %s, %y[%i] : memref<1024xf32>
      gpu.return
    }
  }
}
