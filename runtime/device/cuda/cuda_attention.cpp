#include "runtime/device/cuda/cuda_attention.h"

#include "runtime/bundle/attention_args.h"
#include "runtime/device/cuda/kernels/fatbins.h"

namespace loom::rt::cuda {

Result<AttentionCall> PlanAttentionCall(const loom::bundle::LibraryCall& call,
                                        const std::vector<CUdeviceptr>& args,
                                        const std::string& where) {
  const auto& shape = call.attention();
  AttentionDims dims;
  dims.batch = shape.batch();
  dims.query_len = shape.query_len();
  dims.key_len = shape.key_len();
  dims.query_heads = shape.query_heads();
  dims.kv_heads = shape.kv_heads();
  dims.head_dim = shape.head_dim();
  dims.value_dim = shape.value_dim();
  dims.scale = shape.scale();
  AttentionKernelParams params = AttentionParamsFor(dims);
  auto f32 = [&](int i) { return reinterpret_cast<float*>(args[i]); };
  auto i64 = [&](int i) { return reinterpret_cast<const int64_t*>(args[i]); };
  const bool forward = call.routine() == loom::bundle::LibraryCall::ATTENTION_F32;
  if (forward) {
    namespace a = attention_args;
    params.q = f32(a::kQ);
    params.k = f32(a::kK);
    params.v = f32(a::kV);
    params.query_positions = i64(a::kQueryPositions);
    params.visible_lo = i64(a::kVisibleLo);
    params.visible_hi = i64(a::kVisibleHi);
    params.out = f32(a::kOut);
    params.lse = f32(a::kLse);
  } else {
    namespace a = attention_grad_args;
    params.q = f32(a::kQ);
    params.k = f32(a::kK);
    params.v = f32(a::kV);
    params.out_in = f32(a::kOut);
    params.lse_in = f32(a::kLse);
    params.out_grad = f32(a::kOutGrad);
    params.query_positions = i64(a::kQueryPositions);
    params.visible_lo = i64(a::kVisibleLo);
    params.visible_hi = i64(a::kVisibleHi);
    params.dq = f32(a::kDq);
    params.dk = f32(a::kDk);
    params.dv = f32(a::kDv);
  }
  Result<std::vector<AttentionLaunch>> planned =
      forward ? PlanAttentionForward(dims) : PlanAttentionBackward(dims);
  if (!planned.ok()) {
    return Status(planned.status().code(), where + ": " + planned.status().message());
  }
  return AttentionCall{std::move(planned).value(), params};
}

std::string_view AttentionKernelImage() { return AttentionFatbin(); }

}  // namespace loom::rt::cuda
