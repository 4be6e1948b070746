// The operands of the attention library calls (bundle.proto, LibraryCall ATTENTION_F32 and
// ATTENTION_GRAD_F32): which tensor each entry of `args` holds, its dtype and shape. The
// validator checks the views against this table and the executor reads them by these indices,
// so the two cannot disagree about the order the schema's comments fix.
#ifndef LOOM_RUNTIME_BUNDLE_ATTENTION_ARGS_H_
#define LOOM_RUNTIME_BUNDLE_ATTENTION_ARGS_H_

#include <vector>

#include "runtime/base/dtype.h"
#include "runtime/base/host_tensor.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

// Indices into ATTENTION_F32's args.
namespace attention_args {
enum : int { kQ, kK, kV, kQueryPositions, kVisibleLo, kVisibleHi, kOut, kLse };
}  // namespace attention_args

// Indices into ATTENTION_GRAD_F32's args.
namespace attention_grad_args {
enum : int {
  kQ,
  kK,
  kV,
  kOut,
  kLse,
  kOutGrad,
  kQueryPositions,
  kVisibleLo,
  kVisibleHi,
  kDq,
  kDk,
  kDv
};
}  // namespace attention_grad_args

struct AttentionOperand {
  const char* name;  // as in bundle.proto: "q", "query_positions", "dq", ...
  DType dtype;       // kF32 or kI64
  Shape shape;       // from the call's AttentionShape, unchecked
  bool output;       // written by the call
};

// The operands of `routine` (one of the two attention routines) in args order; empty for any
// other routine.
std::vector<AttentionOperand> AttentionOperands(loom::bundle::LibraryCall::Routine routine,
                                                const loom::bundle::AttentionShape& shape);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_BUNDLE_ATTENTION_ARGS_H_
