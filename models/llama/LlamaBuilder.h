//===- LlamaBuilder.h - loom IR of a Llama-shaped decoder from a ModelSpec ===//

#ifndef LOOM_MODELS_LLAMA_LLAMABUILDER_H
#define LOOM_MODELS_LLAMA_LLAMABUILDER_H

#include "frontends/spec/SpecParser.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace loom::models {

/// Builds the module of a Llama-family spec:
///   @forward(params..., tokens [B,S]) -> logits [B,S,V]
///   @loss(params..., tokens [B,S], targets [B,S]) -> mean cross entropy (f32),
///        targets equal to -100 ignored (PyTorch's convention)
///   @prefill(params..., tokens [B,S]) -> (logits, k_cache.0, v_cache.0, ...)
///   @decode_step(params..., k_cache.0, v_cache.0, ..., token [B,1], position [B,1])
///        -> (logits [B,1,V], k_cache.0, v_cache.0, ...)
/// Every transformer layer is a func.call to one private @layer (full
/// sequence) or @layer_decode (one token against the cache), so compile time
/// grows with the number of distinct layers, not with depth. Parameters are
/// arguments named after Hugging Face checkpoints (`loom.param`), with their
/// init rule and frozen mark. Ops carry the spec field's location.
/// Emits diagnostics and returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> buildLlamaModule(mlir::MLIRContext &context,
                                                   const loom::spec::ParsedModelSpec &spec);

} // namespace loom::models

#endif // LOOM_MODELS_LLAMA_LLAMABUILDER_H
