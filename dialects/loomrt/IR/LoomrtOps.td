//===- LoomrtOps.td - the runtime's command plan as IR ---------------------===//
//
// The lower dialect of DESIGN.md §3: one op per thing the runtime's plan
// executor does (runtime/schemas/bundle.proto is the contract), so that the
// bundle writer is a transcription. Memory is explicit: every buffer is a
// `loomrt.view` of an arena at a byte offset, with a static memref type.
//
//===----------------------------------------------------------------------===//

#ifndef LOOMRT_OPS_TD
#define LOOMRT_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Loomrt_Dialect : Dialect {
  let name = "loomrt";
  let cppNamespace = "::mlir::loomrt";
  let summary = "The runtime's command plan: arenas, views, launches, library calls, copies";
  let description = [{
    A compiled program after memory planning. Module-level `loomrt.arena` and
    `loomrt.parameter` ops are the memory plan and the parameter table; each
    `loomrt.entry` is an entry point whose body is its command plan, in order;
    kernels live as `func.func` ops in a nested `builtin.module @kernels` and
    are launched by symbol. The bundle writer (codegen/bundle) transcribes
    this into manifest.pb.

    ```mlir
    loomrt.arena @activations activations size(1024) alignment(64)
    loomrt.entry @forward {
      %x = loomrt.view @activations[0] : memref<16xf32>
      %y = loomrt.view @activations[64] : memref<16xf32>
      loomrt.input "x" %x : memref<16xf32>
      loomrt.launch @kernels::@k0_unary_exp grid [1, 1, 1] (%x, %y) : memref<16xf32>, memref<16xf32>
      loomrt.output "y" %y : memref<16xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::func::FuncDialect"];
}

class Loomrt_Op<string mnemonic, list<Trait> traits = []>
    : Op<Loomrt_Dialect, mnemonic, traits>;

def Loomrt_ArenaKind : I32EnumAttr<"ArenaKind", "what an arena holds", [
    I32EnumAttrCase<"parameters", 1>, I32EnumAttrCase<"frozen", 2>,
    I32EnumAttrCase<"gradients", 3>, I32EnumAttrCase<"optimizer", 4>,
    I32EnumAttrCase<"activations", 5>, I32EnumAttrCase<"io", 6>]> {
  let cppNamespace = "::mlir::loomrt";
}

def Loomrt_InitKind : I32EnumAttr<"InitKind", "how a fresh parameter starts", [
    I32EnumAttrCase<"zeros", 1>, I32EnumAttrCase<"ones", 2>, I32EnumAttrCase<"normal", 3>]> {
  let cppNamespace = "::mlir::loomrt";
}

def Loomrt_StaticMemRef : Type<And<[AnyStaticShapeMemRef.predicate,
    CPred<"::llvm::cast<::mlir::MemRefType>($_self).getLayout().isIdentity()">]>,
    "statically shaped memref with the identity layout", "::mlir::MemRefType">;

//===----------------------------------------------------------------------===//
// The memory plan and the parameter table
//===----------------------------------------------------------------------===//

def Loomrt_ArenaOp : Loomrt_Op<"arena", [Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "a flat block of memory the planner laid buffers out in";
  let description = [{
    The runtime allocates each arena once per loaded program, zero-filled, at
    `alignment` (a power of two in [1, 4096]); `size` is in bytes, below 2^40.

    ```mlir
    loomrt.arena @params parameters size(527616) alignment(64)
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, Loomrt_ArenaKind:$kind,
                       I64Attr:$size, I64Attr:$alignment);
  let assemblyFormat = "$sym_name $kind `size` `(` $size `)` `alignment` `(` $alignment `)` attr-dict";
  let hasVerifier = 1;
}

def Loomrt_ParameterOp : Loomrt_Op<"parameter", [HasParent<"::mlir::ModuleOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "one entry of the parameter table: a named weight's place in its arena";
  let description = [{
    `name` is the safetensors key; the weight lies at byte `offset` of arena
    `arena` (a `parameters` arena, or a `frozen` one exactly when `frozen`),
    dense and row-major. `init` says how a fresh program fills it (`normal`
    takes `std`).

    ```mlir
    loomrt.parameter "model.norm.weight" in @params[512] : tensor<64xf32> init ones
    loomrt.parameter "lm_head.weight" in @params[768] : tensor<260x64xf32> init normal std 2.0e-02
    ```
  }];
  let arguments = (ins StrAttr:$name, FlatSymbolRefAttr:$arena, I64Attr:$offset,
                       TypeAttrOf<AnyStaticShapeTensor>:$type, Loomrt_InitKind:$init,
                       OptionalAttr<F64Attr>:$std, UnitAttr:$frozen);
  let assemblyFormat = [{
    $name `in` $arena `[` $offset `]` `:` $type `init` $init (`std` $std^)? (`frozen` $frozen^)?
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Entry points and their plans
//===----------------------------------------------------------------------===//

def Loomrt_EntryOp : Loomrt_Op<"entry", [Symbol, HasParent<"::mlir::ModuleOp">,
    IsolatedFromAbove, SingleBlock, NoTerminator, NoRegionArguments]> {
  let summary = "an entry point: its signature and its command plan";
  let description = [{
    The body runs top to bottom, each command finishing before the next
    starts. `loomrt.input` and `loomrt.output` ops name the signature (in
    order); views are free (they mark places, they move nothing).

    ```mlir
    loomrt.entry @forward {
      %x = loomrt.view @activations[0] : memref<16xf32>
      loomrt.input "x" %x : memref<16xf32>
      loomrt.output "x" %x : memref<16xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name)>];
}

def Loomrt_ViewOp : Loomrt_Op<"view", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a buffer at a byte offset of an arena";
  let description = [{
    The dense row-major buffer of the result's type at byte `offset` of
    `arena`. The offset is a multiple of the element size (i1 takes a byte),
    and the buffer lies inside the arena.

    ```mlir
    %w = loomrt.view @params[1024] : memref<64x64xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$arena, I64Attr:$offset);
  let results = (outs Loomrt_StaticMemRef:$view);
  let assemblyFormat = "$arena `[` $offset `]` attr-dict `:` type($view)";
}

def Loomrt_InputOp : Loomrt_Op<"input", [HasParent<"EntryOp">]> {
  let summary = "an input of the entry point, copied into `view` before the plan runs";
  let description = [{
    ```mlir
    loomrt.input "tokens" %t : memref<4x64xi64>
    ```
  }];
  let arguments = (ins StrAttr:$name, Loomrt_StaticMemRef:$view);
  let assemblyFormat = "$name $view attr-dict `:` type($view)";
}

def Loomrt_OutputOp : Loomrt_Op<"output", [HasParent<"EntryOp">]> {
  let summary = "an output of the entry point, read from `view` after the plan ran";
  let description = [{
    ```mlir
    loomrt.output "logits" %l : memref<4x64x260xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, Loomrt_StaticMemRef:$view);
  let assemblyFormat = "$name $view attr-dict `:` type($view)";
}

//===----------------------------------------------------------------------===//
// Before memory planning
//===----------------------------------------------------------------------===//

def Loomrt_DispatchOp : Loomrt_Op<"dispatch", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a call of a kernel on tensors, before memory planning";
  let description = [{
    What `loom-form-dispatches` leaves in a function for each kernel: the
    kernel (a `func.func` in the nested `@kernels` module) applied to tensor
    operands. Memory planning turns it into a `loomrt.launch` over views.
    Kernels take no side effects, so a dispatch is pure.

    ```mlir
    %y = loomrt.dispatch @kernels::@k0_unary(%x) : (tensor<8xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins SymbolRefAttr:$kernel, Variadic<AnyStaticShapeTensor>:$operands);
  let results = (outs Variadic<AnyStaticShapeTensor>:$results);
  let assemblyFormat = [{
    $kernel `(` $operands `)` attr-dict `:` functional-type($operands, $results)
  }];
  let extraClassDeclaration = [{
    /// The kernel this dispatch calls, or null.
    ::mlir::func::FuncOp lookupKernel();
  }];
}

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

def Loomrt_LaunchOp : Loomrt_Op<"launch", [HasParent<"EntryOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs a generated kernel once per workgroup of a grid";
  let description = [{
    `kernel` names a `func.func` in the nested `@kernels` module; its
    arguments and results, in that order, are the launch's buffers (a kernel
    `(tensor<AxT>) -> tensor<BxU>` takes views `memref<AxT>, memref<BxU>`).
    The kernel reads the first ones and overwrites the last ones; result
    buffers overlap no argument buffer. The grid has three entries, each ≥ 1.

    ```mlir
    loomrt.launch @kernels::@k3 grid [1, 1, 1] (%a, %b) : memref<8xf32>, memref<8xf32>
    ```
  }];
  let arguments = (ins SymbolRefAttr:$kernel, DenseI64ArrayAttr:$grid,
                       Arg<Variadic<Loomrt_StaticMemRef>, "", [MemRead, MemWrite]>:$buffers);
  let assemblyFormat = "$kernel `grid` $grid ` ` `(` $buffers `)` attr-dict `:` type($buffers)";
  let hasVerifier = 1;
}

def Loomrt_GemmOp : Loomrt_Op<"gemm", [HasParent<"EntryOp">]> {
  let summary = "row-major f32 C = alpha·op(A)·op(B) + beta·C (+ bias row) on the GEMM library";
  let description = [{
    A is `m x k` (stored `k x m` with `trans_a`), B is `k x n` (stored `n x
    k` with `trans_b`), C is `m x n`; all three are dense 2-D f32 views and C
    overlaps neither A nor B. The library is OpenBLAS sgemm on the CPU and
    cuBLASLt on CUDA.

    With `bias`, an f32 view of `n` elements that overlaps no byte of C, the
    row is added to every row of C after the product (bundle.proto
    LibraryCall.bias): cuBLASLt's BIAS epilogue on the GPU, a pass over C
    after sgemm on the CPU. loom-plan-memory emits it for a biased
    `loom.linear` only on targets whose GEMM library has that epilogue (the
    capability table, passes/Fusion/TargetCapabilities.h).

    ```mlir
    loomrt.gemm %x, %w, %y trans_b alpha(1.0) beta(0.0)
        : memref<256x64xf32>, memref<192x64xf32>, memref<256x192xf32>
    loomrt.gemm %x, %w, %y bias(%b : memref<192xf32>) trans_b alpha(1.0) beta(0.0)
        : memref<256x64xf32>, memref<192x64xf32>, memref<256x192xf32>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[F32], [2]>, "", [MemRead]>:$a,
                       Arg<MemRefRankOf<[F32], [2]>, "", [MemRead]>:$b,
                       Arg<MemRefRankOf<[F32], [2]>, "", [MemRead, MemWrite]>:$c,
                       Arg<Optional<MemRefRankOf<[F32], [1]>>, "", [MemRead]>:$bias,
                       UnitAttr:$trans_a, UnitAttr:$trans_b, F32Attr:$alpha, F32Attr:$beta);
  let assemblyFormat = [{
    $a `,` $b `,` $c (`bias` `(` $bias^ `:` type($bias) `)`)? (`trans_a` $trans_a^)?
    (`trans_b` $trans_b^)? `alpha` `(` $alpha `)` `beta` `(` $beta `)` attr-dict `:` type($a)
    `,` type($b) `,` type($c)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getM() { return getC().getType().getDimSize(0); }
    int64_t getN() { return getC().getType().getDimSize(1); }
    int64_t getK() { return getA().getType().getDimSize(getTransA() ? 0 : 1); }
  }];
}

def Loomrt_AttentionOp : Loomrt_Op<"attention", [HasParent<"EntryOp">]> {
  let summary = "the runtime's attention kernel with interval masks (f32)";
  let description = [{
    The runtime routine ATTENTION_F32 (bundle.proto): q `[B, Sq, Hq, D]`, k
    `[B, Sk, Hkv, D]`, v `[B, Sk, Hkv, Dv]`, query positions `[B, Sq]`, and
    per key the interval `[lo, hi)` of query positions that see it; writes
    out `[B, Sq, Hq, Dv]` and the log-sum-exp `[B, Sq, Hq]`.

    ```mlir
    loomrt.attention %q, %k, %v, %qp, %lo, %hi -> %o, %lse scale(2.5e-01)
        : memref<4x64x4x16xf32>, memref<4x64x2x16xf32>, memref<4x64x2x16xf32>,
          memref<4x64xi64>, memref<4x64xi64>, memref<4x64xi64>, memref<4x64x4x16xf32>,
          memref<4x64x4xf32>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$query,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$key,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$value,
                       Arg<MemRefRankOf<[I64], [2]>, "", [MemRead]>:$query_positions,
                       Arg<MemRefRankOf<[I64], [2]>, "", [MemRead]>:$visible_lo,
                       Arg<MemRefRankOf<[I64], [2]>, "", [MemRead]>:$visible_hi,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemWrite]>:$output,
                       Arg<MemRefRankOf<[F32], [3]>, "", [MemWrite]>:$logsumexp,
                       F32Attr:$scale);
  let assemblyFormat = [{
    $query `,` $key `,` $value `,` $query_positions `,` $visible_lo `,` $visible_hi `->`
    $output `,` $logsumexp `scale` `(` $scale `)` attr-dict `:` type($query) `,` type($key) `,`
    type($value) `,` type($query_positions) `,` type($visible_lo) `,` type($visible_hi) `,`
    type($output) `,` type($logsumexp)
  }];
  let hasVerifier = 1;
}

def Loomrt_AttentionGradOp : Loomrt_Op<"attention_grad", [HasParent<"EntryOp">]> {
  let summary = "the runtime's attention gradient kernel (f32)";
  let description = [{
    The runtime routine ATTENTION_GRAD_F32 (bundle.proto): from q, k, v, the
    forward's output and log-sum-exp and the output's cotangent, writes dq,
    dk and dv (shaped like q, k and v).

    ```mlir
    loomrt.attention_grad %q, %k, %v, %o, %lse, %do, %qp, %lo, %hi -> %dq, %dk, %dv scale(2.5e-01)
        : memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>, memref<1x8x2x4xf32>,
          memref<1x8x2xf32>, memref<1x8x2x4xf32>, memref<1x8xi64>, memref<1x8xi64>,
          memref<1x8xi64>, memref<1x8x2x4xf32>, memref<1x8x1x4xf32>, memref<1x8x1x4xf32>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$query,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$key,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$value,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$output,
                       Arg<MemRefRankOf<[F32], [3]>, "", [MemRead]>:$logsumexp,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemRead]>:$output_grad,
                       Arg<MemRefRankOf<[I64], [2]>, "", [MemRead]>:$query_positions,
                       Arg<MemRefRankOf<[I64], [2]>, "", [MemRead]>:$visible_lo,
                       Arg<MemRefRankOf<[I64], [2]>, "", [MemRead]>:$visible_hi,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemWrite]>:$query_grad,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemWrite]>:$key_grad,
                       Arg<MemRefRankOf<[F32], [4]>, "", [MemWrite]>:$value_grad,
                       F32Attr:$scale);
  let assemblyFormat = [{
    $query `,` $key `,` $value `,` $output `,` $logsumexp `,` $output_grad `,`
    $query_positions `,` $visible_lo `,` $visible_hi `->` $query_grad `,` $key_grad `,`
    $value_grad `scale` `(` $scale `)` attr-dict `:` type($query) `,` type($key) `,`
    type($value) `,` type($output) `,` type($logsumexp) `,` type($output_grad) `,`
    type($query_positions) `,` type($visible_lo) `,` type($visible_hi) `,` type($query_grad)
    `,` type($key_grad) `,` type($value_grad)
  }];
  let hasVerifier = 1;
}

def Loomrt_CopyOp : Loomrt_Op<"copy", [HasParent<"EntryOp">]> {
  let summary = "copies the bytes of one view into another of the same size";
  let description = [{
    The two views hold the same number of bytes (their shapes may differ) and
    do not overlap.

    ```mlir
    loomrt.copy %a, %b : memref<4x8xf32>, memref<32xf32>
    ```
  }];
  let arguments = (ins Arg<Loomrt_StaticMemRef, "", [MemRead]>:$source,
                       Arg<Loomrt_StaticMemRef, "", [MemWrite]>:$target);
  let assemblyFormat = "$source `,` $target attr-dict `:` type($source) `,` type($target)";
  let hasVerifier = 1;
}

def Loomrt_FillOp : Loomrt_Op<"fill", [HasParent<"EntryOp">]> {
  let summary = "fills a view with one value of its element type";
  let description = [{
    ```mlir
    loomrt.fill 1.0 : f32 into %a : memref<16xf32>
    ```
  }];
  let arguments = (ins Arg<Loomrt_StaticMemRef, "", [MemWrite]>:$target, AnyAttr:$value);
  let assemblyFormat = "$value `into` $target attr-dict `:` type($target)";
  let hasVerifier = 1;
}

#endif // LOOMRT_OPS_TD
