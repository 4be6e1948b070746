// REQUIRES: ptxas
// RUN: rm -rf %t && loomc %s --compile-from=autodiff --target=cuda -o %t > /dev/null
// RUN: FileCheck %s --input-file=%t/kernels.ptx

/// A float to integer cast truncates first (then saturates): on the GPU the
/// truncation is the llvm.trunc intrinsic, PTX cvt.rzi (exact), since
/// convert-gpu-to-nvvm leaves math.trunc unlowered (GpuKernelLowering.h).
// CHECK: .visible .entry k0_cast(
// CHECK: cvt.rzi.f64.f64
// CHECK: cvt.rzi.s32.f64
func.func @f(%a: tensor<12xf64>) -> tensor<12xi32> {
  %r = loom.cast %a : tensor<12xf64> to tensor<12xi32>
  return %r : tensor<12xi32>
}
