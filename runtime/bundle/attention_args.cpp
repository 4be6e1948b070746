#include "runtime/bundle/attention_args.h"

namespace loom::rt {

std::vector<AttentionOperand> AttentionOperands(loom::bundle::LibraryCall::Routine routine,
                                                const loom::bundle::AttentionShape& s) {
  const Shape q{s.batch(), s.query_len(), s.query_heads(), s.head_dim()};
  const Shape k{s.batch(), s.key_len(), s.kv_heads(), s.head_dim()};
  const Shape v{s.batch(), s.key_len(), s.kv_heads(), s.value_dim()};
  const Shape out{s.batch(), s.query_len(), s.query_heads(), s.value_dim()};
  const Shape lse{s.batch(), s.query_len(), s.query_heads()};
  const Shape query_rows{s.batch(), s.query_len()};
  const Shape key_rows{s.batch(), s.key_len()};
  const AttentionOperand mask[] = {{"query_positions", DType::kI64, query_rows, false},
                                   {"visible_lo", DType::kI64, key_rows, false},
                                   {"visible_hi", DType::kI64, key_rows, false}};
  switch (routine) {
    case loom::bundle::LibraryCall::ATTENTION_F32:
      return {{"q", DType::kF32, q, false},
              {"k", DType::kF32, k, false},
              {"v", DType::kF32, v, false},
              mask[0],
              mask[1],
              mask[2],
              {"out", DType::kF32, out, true},
              {"lse", DType::kF32, lse, true}};
    case loom::bundle::LibraryCall::ATTENTION_GRAD_F32:
      return {{"q", DType::kF32, q, false},
              {"k", DType::kF32, k, false},
              {"v", DType::kF32, v, false},
              {"out", DType::kF32, out, false},
              {"lse", DType::kF32, lse, false},
              {"out_grad", DType::kF32, out, false},
              mask[0],
              mask[1],
              mask[2],
              {"dq", DType::kF32, q, true},
              {"dk", DType::kF32, k, true},
              {"dv", DType::kF32, v, true}};
    default:
      return {};
  }
}

}  // namespace loom::rt
