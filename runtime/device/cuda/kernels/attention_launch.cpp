#include "runtime/device/cuda/kernels/attention_launch.h"

#include <algorithm>

namespace loom::rt::cuda {
namespace {

// CUDA's limits on sm_90: grid y and z; shared memory a block may opt in to.
constexpr int64_t kMaxGridYZ = 65535;
constexpr int64_t kMaxGridX = (int64_t{1} << 31) - 1;
constexpr int64_t kMaxSharedBytes = 227 * 1024;

Status CheckDims(const AttentionDims& dims) {
  const struct {
    const char* name;
    int64_t value;
  } fields[] = {{"batch", dims.batch},         {"query_len", dims.query_len},
                {"key_len", dims.key_len},     {"query_heads", dims.query_heads},
                {"kv_heads", dims.kv_heads},   {"head_dim", dims.head_dim},
                {"value_dim", dims.value_dim}};
  for (const auto& field : fields) {
    if (field.value < 1 || field.value >= (int64_t{1} << 31)) {
      return MakeStatus(StatusCode::kInvalidArgument, "attention: ", field.name, " ",
                        field.value, " is outside [1, 2^31)");
    }
  }
  if (dims.query_heads % dims.kv_heads != 0) {
    return MakeStatus(StatusCode::kInvalidArgument, "attention: query_heads ", dims.query_heads,
                      " is not a multiple of kv_heads ", dims.kv_heads);
  }
  if (dims.head_dim > kAttentionMaxHeadDim || dims.value_dim > kAttentionMaxHeadDim) {
    const bool d = dims.head_dim > kAttentionMaxHeadDim;
    return MakeStatus(StatusCode::kUnsupported, "attention: ", d ? "head_dim " : "value_dim ",
                      d ? dims.head_dim : dims.value_dim, " is above ", kAttentionMaxHeadDim,
                      ", the largest the GPU attention kernels support");
  }
  // The grids: (query or key tiles, heads, batch).
  if (dims.batch > kMaxGridYZ) {
    return MakeStatus(StatusCode::kUnsupported, "attention: batch ", dims.batch,
                      " is above the grid's limit of ", kMaxGridYZ);
  }
  if (dims.query_heads > kMaxGridYZ) {
    return MakeStatus(StatusCode::kUnsupported, "attention: query_heads ", dims.query_heads,
                      " is above the grid's limit of ", kMaxGridYZ);
  }
  return OkStatus();
}

// The smallest kernel instance covering D and Dv (CheckDims made sure one does).
int HeadDimBound(const AttentionDims& dims) {
  const int64_t widest = std::max(dims.head_dim, dims.value_dim);
  for (int bound : kAttentionHeadDimBounds) {
    if (widest <= bound) return bound;
  }
  return kAttentionMaxHeadDim;
}

int64_t Tiles(int64_t n) { return (n + kAttentionTile - 1) / kAttentionTile; }

Result<AttentionLaunch> MakeLaunch(const char* kind, const AttentionDims& dims,
                                   const AttentionSharedLayout& layout, int64_t tiles,
                                   int64_t heads) {
  AttentionLaunch launch;
  launch.kernel = std::string("loom_attention_") + kind + "_f32_d" +
                  std::to_string(HeadDimBound(dims));
  launch.grid[0] = tiles;
  launch.grid[1] = heads;
  launch.grid[2] = dims.batch;
  launch.block[0] = kAttentionThreads;
  const int64_t shared = AttentionSharedBytes(layout, dims.head_dim, dims.value_dim);
  // Neither can fail for dims that passed CheckDims (Sq, Sk < 2^31; D, Dv <= 128: ~94 KiB at
  // most); kept as guards of this planner's own arithmetic.
  if (tiles > kMaxGridX || shared > kMaxSharedBytes) {
    return MakeStatus(StatusCode::kInternal, "attention: ", launch.kernel, " needs ", tiles,
                      " blocks and ", shared, " bytes of shared memory, beyond sm_90's limits");
  }
  launch.dynamic_shared_bytes = static_cast<uint32_t>(shared);
  return launch;
}

}  // namespace

Result<std::vector<AttentionLaunch>> PlanAttentionForward(const AttentionDims& dims) {
  LOOM_RETURN_IF_ERROR(CheckDims(dims));
  LOOM_ASSIGN_OR_RETURN(AttentionLaunch forward,
                        MakeLaunch("fwd", dims, kAttentionForwardShared, Tiles(dims.query_len),
                                   dims.query_heads));
  return std::vector<AttentionLaunch>{std::move(forward)};
}

Result<std::vector<AttentionLaunch>> PlanAttentionBackward(const AttentionDims& dims) {
  LOOM_RETURN_IF_ERROR(CheckDims(dims));
  LOOM_ASSIGN_OR_RETURN(AttentionLaunch dkdv,
                        MakeLaunch("bwd_dkdv", dims, kAttentionDkDvShared, Tiles(dims.key_len),
                                   dims.kv_heads));
  LOOM_ASSIGN_OR_RETURN(AttentionLaunch dq,
                        MakeLaunch("bwd_dq", dims, kAttentionDqShared, Tiles(dims.query_len),
                                   dims.query_heads));
  return std::vector<AttentionLaunch>{std::move(dkdv), std::move(dq)};
}

AttentionKernelParams AttentionParamsFor(const AttentionDims& dims) {
  AttentionKernelParams params = {};
  params.batch = dims.batch;
  params.query_len = dims.query_len;
  params.key_len = dims.key_len;
  params.query_heads = dims.query_heads;
  params.kv_heads = dims.kv_heads;
  params.head_dim = dims.head_dim;
  params.value_dim = dims.value_dim;
  params.scale = dims.scale;
  return params;
}

}  // namespace loom::rt::cuda
