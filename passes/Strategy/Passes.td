//===- Passes.td - kernel strategies ---------------------------------------===//
//
// DESIGN.md §2, codegen: per kernel a strategy (elementwise, row reduction,
// scan) and the grid of workgroups that runs it. The row analysis behind it
// (RowLocality.h) is the one codegen/tiling uses to build each workgroup's
// kernel.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_STRATEGY_PASSES_TD
#define LOOM_PASSES_STRATEGY_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomKernelStrategyPass : Pass<"loom-kernel-strategy", "::mlir::ModuleOp"> {
  let summary = "Choose each kernel's strategy and split its rows into a grid of workgroups";
  let description = [{
    Runs after `loom-form-dispatches`, on every `func.func` of the nested
    module `@kernels` (or of the module itself when it is `@kernels`), and
    sets:
    - `loom.strategy`: `"elementwise"`, `"row_reduction"`, `"scan"` or
      `"serial"`;
    - `loom.workgroups = array<i64: gx, 1, 1>`: the launch grid
      (`loom-plan-memory` copies it into `loomrt.launch`);
    - `loom.tile_rows = T` (not on serial kernels): each workgroup computes
      T rows, workgroup x the rows [x·T, x·T + T).

    Rows. A kernel's rows are the leading dims [L1..Lk] that all its results
    share, as many as possible: every op of the body must compute an
    element of a row from that same row of its operands, or from operands
    it reads whole (RowLocality.h has the table, one rule per op). So an
    elementwise kernel over [4, 64, 64] has 16384 rows of one element,
    `rms_norm` over [4, 64, 64] 256 rows of 64 (its statistics are over the
    last dim), `cross_entropy` over logits [256, 260] 256 rows. Operands
    sliced with the rows: elementwise operands, the rows of a norm, the
    positions of `rope` along [B, S], gather indices; read whole: norm
    weights and biases, a broadcast's source along its new dims, a gather
    table along its axis.

    Strategy: `serial` when there are no rows (a result of rank 0, an op the
    table does not know: matmul kernels, transpose, concat, slice,
    scatter_add, random draws, reshape; a reduction, scan or sort along a
    leading dim), else the strongest kind among the ops: `scan` (cumsum)
    over `row_reduction` (norms and their gradients, softmax, log_softmax,
    reduce, argmax, cross_entropy, rope, top_k, sort along trailing dims)
    over `elementwise`.

    Grid. A row's work W is, over the ops, the op's cost per element (the
    table: 1 for arithmetic, compares, casts, broadcasts, gathers; 4 for
    norms and their gradients; 8 for transcendental functions; 16 for
    softmax, log_softmax, cross_entropy, sort, top_k; 32 for rope) times
    the elements per row of its largest operand or result. With R rows, T
    is the smallest tile that
      1. is a box of rows: T = t·L(j+1)···Lk with t dividing Lj (so each
         workgroup's part of every operand is one slice),
      2. does at least `min-work` work (T·W ≥ min-work), and
      3. gives at most `max-workgroups` workgroups (R / T);
    a kernel of less than 2·`min-work` work, or with no such T below R, is
    one workgroup (T = R). Serial kernels are [1, 1, 1]. The defaults are
    the CPU's: a workgroup of 65536 units (an f32 add of 64K elements, some
    20 µs) amortizes waking a thread of the pool; a GPU target wants far
    smaller workgroups and sets its own.

    ```mlir
    // 256 rows of 260 logits; W = 16 · 260, so 16 rows per workgroup.
    module @kernels {
      func.func @k0_softmax(%x: tensor<256x260xf32>) -> tensor<256x260xf32>
          attributes {loom.strategy = "row_reduction", loom.tile_rows = 16 : i64,
                      loom.workgroups = array<i64: 16, 1, 1>} { ... }
    }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"65536",
           "the least work (T·W, in element-ops weighted by cost) of a workgroup">,
    Option<"maxWorkgroups", "max-workgroups", "int64_t", /*default=*/"1024",
           "the most workgroups of one launch">,
  ];
}

#endif // LOOM_PASSES_STRATEGY_PASSES_TD
