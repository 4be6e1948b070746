//===- Passes.td - autodiff and the training step --------------------------===//
//
// Passes are kept alphabetical within this file.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_AUTODIFF_PASSES_TD
#define LOOM_PASSES_AUTODIFF_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomAutodiffPass : Pass<"loom-autodiff", "::mlir::ModuleOp"> {
  let summary = "Build @grad_step, the loss and its parameter gradients, from @loss";
  let description = [{
    Reverse-mode differentiation of the loss function. The result is

    ```mlir
    func.func @grad_step(<loss arguments>..., <gradient accumulators>...)
        -> (tensor<f32>, <gradient accumulators>...)
    ```

    which returns the loss and each trained parameter's accumulator plus its
    gradient (so that gradient accumulation and a data-parallel all-reduce fit
    between @grad_step and @apply_step, DESIGN.md §4). A parameter is an
    argument with a `loom.param` name; one marked `loom.frozen` gets no
    accumulator and no op computes its gradient, while gradients still flow
    through it. Each op's VJP comes from DifferentiableOpInterface; an op on
    the path from a trained parameter to the loss without one is an error.

    A call to a shared layer function is differentiated by a call to
    `@<callee>_vjp_<mask>`, generated once per callee and set of arguments that
    need gradients: it recomputes the layer's forward pass and runs its
    backward pass (activation checkpointing at layer granularity), so compile
    time keeps growing with the number of distinct layers, not with depth.
  }];
  let options = [
    Option<"lossFunction", "loss", "std::string", "\"loss\"",
           "The function to differentiate (its only result is a scalar loss)">,
    Option<"gradFunction", "grad", "std::string", "\"grad_step\"",
           "The name of the function to build">,
  ];
  let dependentDialects = ["::mlir::loom::LoomDialect", "::mlir::func::FuncDialect"];
}

def LoomBuildApplyStepPass : Pass<"loom-build-apply-step", "::mlir::ModuleOp"> {
  let summary = "Build @apply_step: clipping, non-finite skip, AdamW, LR schedule";
  let description = [{
    From the trained parameters of the loss function and the module's
    `loom.training` dictionary (lr, min_lr, warmup_steps, total_steps, beta1,
    beta2, eps, weight_decay, clip_norm), builds

    ```mlir
    func.func @apply_step(<params>..., <grads>..., <m>..., <v>..., %step: tensor<i64>)
        -> (<params>..., <m>..., <v>..., tensor<f32> /*grad norm*/, tensor<i1> /*skipped*/)
    ```

    with the semantics written in frontends/spec/model_spec.proto (Training):
    global-norm clipping, a non-finite check that leaves parameters and moments
    unchanged and reports the skip, decoupled weight decay on parameters of
    rank >= 2, bias-corrected AdamW, linear warmup then cosine decay.
  }];
  let options = [
    Option<"lossFunction", "loss", "std::string", "\"loss\"",
           "The function whose trained parameters are updated">,
  ];
  let dependentDialects = ["::mlir::loom::LoomDialect", "::mlir::func::FuncDialect"];
}

def LoomPackArenasPass : Pass<"loom-pack-arenas", "::mlir::ModuleOp"> {
  let summary = "Hold parameters, gradients and Adam moments in flat arenas per dtype";
  let description = [{
    DESIGN.md §4: parameters, gradients and optimizer moments live in flat
    arenas per dtype, frozen parameters in their own. This pass renames
    @grad_step and @apply_step to `@<name>_tensors` (private) and builds
    public wrappers that take and return arenas:

    ```mlir
    func.func @grad_step(%params: tensor<Nxf32> {loom.arena = "params"},
                         %frozen: tensor<Fxf32> {loom.arena = "frozen"}, <inputs>...,
                         %grads: tensor<Nxf32> {loom.arena = "grads"}) -> (tensor<f32>, tensor<Nxf32>)
    func.func @apply_step(%params, %grads, %m, %v: tensor<Nxf32>, %step: tensor<i64>)
        -> (tensor<Nxf32>, tensor<Nxf32>, tensor<Nxf32>, tensor<f32>, tensor<i1>)
    ```

    A parameter is a contiguous range of its arena, read as a slice and a
    reshape; weight-decayed parameters (rank >= 2) come first, so the decay
    covers one prefix of the arena. @apply_step is rebuilt over whole arenas:
    one elementwise update and the norm's reduction, the multi-tensor kernel
    of DESIGN.md §4. The layout is recorded on the module as
    `loom.parameter_table` (name, arena, offset, shape, init, frozen) for the
    runtime, which loads checkpoints into it.
  }];
  let dependentDialects = ["::mlir::loom::LoomDialect", "::mlir::func::FuncDialect"];
}

#endif // LOOM_PASSES_AUTODIFF_PASSES_TD
