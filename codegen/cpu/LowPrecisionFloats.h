//===- LowPrecisionFloats.h - bf16 and f16 without library support ---------===//
//
// A step of the CPU pipeline (CpuPipeline.h), on scalar arith/math code:
// bf16 and f16 arithmetic and math compute in f32 and round back to their type
// after each op (math-extend-to-supported-types,
// arith-emulate-unsupported-floats), and conversions to and from bf16 become
// integer code that rounds to nearest even (the bf16 patterns of arith-expand;
// f64 -> bf16 through f32 rounded to odd, which rounds once). The host's libm
// has no bf16 or f16 functions, and Debian 12's libgcc has no __truncsfbf2 or
// __truncdfbf2 that LLVM would call otherwise. The f16 conversions LLVM calls
// (__truncsfhf2, __extendhfsf2, __truncdfhf2) are in libgcc_s.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_LOWPRECISIONFLOATS_H
#define LOOM_CODEGEN_CPU_LOWPRECISIONFLOATS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace mlir::loom::codegen {

LogicalResult computeLowPrecisionFloatsInF32(ModuleOp module);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CPU_LOWPRECISIONFLOATS_H
