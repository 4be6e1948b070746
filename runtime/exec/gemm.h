// GEMM_F32 library calls (bundle.proto, LibraryCall) on OpenBLAS.
//
// OpenBLAS runs single-threaded (openblas_set_num_threads(1), once); the pool parallelizes
// instead, over fixed blocks of kGemmRowBlock rows of C. The blocks do not depend on the thread
// count, and each is one sgemm call over the same data, so C is bit-identical run to run and
// for any number of threads (DESIGN.md §4), and OpenBLAS's own threads never oversubscribe the
// pool's.
#ifndef LOOM_RUNTIME_EXEC_GEMM_H_
#define LOOM_RUNTIME_EXEC_GEMM_H_

#include <cstdint>

#include "runtime/exec/thread_pool.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

inline constexpr int64_t kGemmRowBlock = 64;

// `call` was validated (runtime/bundle): dims in range, views large enough, C apart from A, B.
// `bias` (n floats, added to every row of C after the product) is read when call.bias() is set.
void RunGemmF32(const loom::bundle::LibraryCall& call, const float* a, const float* b, float* c,
                const float* bias, ThreadPool& pool);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_GEMM_H_
