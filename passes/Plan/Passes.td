//===- Passes.td - from loom IR to the runtime's command plan --------------===//
//
// The phases after autodiff (DESIGN.md §2): target selection, bound
// materialization, kernel formation (one kernel per op until the fusion
// policy of issue 6), and memory planning into the loomrt dialect.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_PLAN_PASSES_TD
#define LOOM_PASSES_PLAN_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomSelectTargetPass : Pass<"loom-select-target", "::mlir::ModuleOp"> {
  let summary = "Record the target every later pass compiles for";
  let description = [{
    Sets the module attribute `loom.target` (a string: "cpu" or "cuda") so
    that everything after this pass knows the target (fusion reads its
    capability table, codegen its kernel form). Selecting a different target
    on a module that already has one is an error: a module is compiled for
    one target; recompile from the autodiff phase for another.

    ```mlir
    module attributes {loom.target = "cpu"} { ... }
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "the target: cpu or cuda">,
  ];
}

def LoomMaterializeBoundsPass : Pass<"loom-materialize-bounds", "::mlir::ModuleOp"> {
  let summary = "Turn bounded dynamic dims into static tensors plus counts";
  let description = [{
    DESIGN.md §4: every tensor whose dims are bounded (`#loom.bounds`)
    becomes a static tensor of its bound plus an explicit count, so codegen
    only sees static shapes. This version checks that every public function
    is static already and refuses a bounded tensor with an error at the op
    that has it ("not built yet"): the dense models (Llama) have none; BLT,
    CAT and the modality-routed models need the rewrite.
  }];
}

def LoomFormDispatchesPass : Pass<"loom-form-dispatches", "::mlir::ModuleOp"> {
  let summary = "One kernel per op: outline compute ops into @kernels, keep library and view ops";
  let description = [{
    Splits each public function's ops by how the target runs them:
    - library calls (left in place): `loom.matmul` and `loom.linear` over f32
      with f32 accumulation (GEMM; a linear with a bias only on targets
      whose GEMM library adds it as an epilogue: cuda's cuBLASLt, not the
      cpu's OpenBLAS, passes/Fusion/TargetCapabilities.h), `loom.attention` and
      `loom.attention_grad` over f32 (the runtime's attention routines);
    - views (left in place): `loom.reshape`, and `loom.slice` when the slice
      is one contiguous byte range;
    - splat `loom.constant`s (left in place: memory planning fills them);
    - every other op: a generated kernel. The op is cloned into a new
      `func.func` of the nested module `@kernels` (constants it reads are
      cloned in with it, not passed) and replaced by `loomrt.dispatch`.
      Identical kernels (same ops, types and attributes) are shared.
    The fusion pass (issue 6) will form multi-op kernels here instead.
    Functions must be inlined first (`func.call` is an error).

    ```mlir
    %y = loom.unary exp %x : tensor<8xf32>
    // becomes
    %y = loomrt.dispatch @kernels::@k0_unary(%x) : (tensor<8xf32>) -> tensor<8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::loomrt::LoomrtDialect", "::mlir::func::FuncDialect"];
}

def LoomPlanMemoryPass : Pass<"loom-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Memory planning: each public function becomes a loomrt.entry over arena views";
  let description = [{
    Lays out every tensor in arenas and rewrites each public function into
    a `loomrt.entry` whose body is its command plan:
    - parameters, gradients and optimizer moments live in their flat arenas
      (`loom.parameter_table`, `loom.arena` arguments); an argument marked
      `loom.param` is a view of its parameter;
    - views (reshape, contiguous slice) alias their source;
    - every other value gets a buffer in the `activations` arena: its live
      range runs from its definition to its last use (through aliases; an
      entry's outputs live to the end), and buffers are placed greedily by
      size, each at the lowest 64-byte-aligned offset that no buffer live at
      the same time overlaps. Entry points run one at a time, so they share
      the arena (its size is the largest plan's);
    - a result marked `loom.arena = "X"` is written straight into arena X
      when every read of the argument marked X comes before the op that
      defines it (an in-place update); otherwise it is copied there at the
      end;
    - dispatches become `loomrt.launch` over the kernel's `loom.workgroups`
      grid (one workgroup without it), GEMM-able
      contractions `loomrt.gemm` (one per batch; a biased linear's bias
      row as the GEMM's `bias`), attention the runtime
      routine, splat constants `loomrt.fill`.
    Each entry records `loom.peak_bytes` (its activations high-water mark)
    and `loom.tensor_bytes` (the bytes of all its tensors, as if nothing
    were reused).
  }];
  let dependentDialects = ["::mlir::loomrt::LoomrtDialect", "::mlir::memref::MemRefDialect"];
}

#endif // LOOM_PASSES_PLAN_PASSES_TD
