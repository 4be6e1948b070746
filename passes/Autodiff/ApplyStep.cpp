//===- ApplyStep.cpp - @apply_step: clip, non-finite skip, AdamW, schedule -===//
//
// Semantics: frontends/spec/model_spec.proto, message Training. Scalars
// (learning rate, norm, bias corrections) are rank-0 tensors in the
// parameters' element type, broadcast where they meet a parameter.
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff/Passes.h"

#include "dialects/loom/IR/LoomOps.h"
#include "passes/Autodiff/ReverseMode.h"
#include "dialects/loom/IR/VJPBuilder.h"

#include <cmath>
#include <limits>

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMBUILDAPPLYSTEPPASS
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

struct Hyper {
  double lr, minLr, warmup, total, beta1, beta2, eps, weightDecay, clipNorm;
};

/// Reads loom.training; names the missing or ill-typed entry.
FailureOr<Hyper> readHyper(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>("loom.training");
  if (!dict) {
    module.emitError("loom-build-apply-step: the module has no loom.training dictionary (the "
                     "spec's training block)");
    return failure();
  }
  bool ok = true;
  auto get = [&](StringRef key) -> double {
    Attribute a = dict.get(key);
    if (auto f = dyn_cast_or_null<FloatAttr>(a))
      return f.getValueAsDouble();
    if (auto i = dyn_cast_or_null<IntegerAttr>(a))
      return static_cast<double>(i.getInt());
    module.emitError() << "loom-build-apply-step: loom.training needs a number '" << key << "'";
    ok = false;
    return 0;
  };
  Hyper h{get("lr"),    get("min_lr"), get("warmup_steps"), get("total_steps"), get("beta1"),
          get("beta2"), get("eps"),    get("weight_decay"), get("clip_norm")};
  if (!ok)
    return failure();
  return h;
}

/// Rank-0 and broadcast arithmetic in one float type.
class Scalars {
public:
  Scalars(OpBuilder &b, Location loc, Type element) : b(b), loc(loc), element(element) {}
  RankedTensorType scalarType() const { return RankedTensorType::get({}, element); }
  Value constant(double x, RankedTensorType type = {}) {
    type = type ? type : scalarType();
    return ConstantOp::create(b, loc, DenseElementsAttr::get(type, FloatAttr::get(element, x)));
  }
  Value bin(BinaryKind k, Value x, Value y) { return BinaryOp::create(b, loc, k, x, y); }
  Value un(UnaryKind k, Value x) { return UnaryOp::create(b, loc, k, x); }
  Value cmp(ComparePredicate p, Value x, Value y) { return CompareOp::create(b, loc, p, x, y); }
  Value sel(Value c, Value x, Value y) { return SelectOp::create(b, loc, c, x, y); }
  /// A rank-0 value spread over `type`.
  Value spread(Value s, RankedTensorType type) {
    auto t = RankedTensorType::get(type.getShape(), cast<RankedTensorType>(s.getType()).getElementType());
    return BroadcastOp::create(b, loc, t, s, ArrayRef<int64_t>{}, ValueRange{});
  }
  Value sumAll(Value x) {
    auto t = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < t.getRank(); ++d)
      dims.push_back(d);
    if (dims.empty())
      return x;
    Type acc = element.isF64() ? element : b.getF32Type();
    return ReduceOp::create(b, loc, ReduceKind::sum, x, dims, acc, false);
  }

private:
  OpBuilder &b;
  Location loc;
  Type element;
};

struct ApplyStepPass final : loom::impl::LoomBuildApplyStepPassBase<ApplyStepPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto loss = module.lookupSymbol<func::FuncOp>(lossFunction);
    if (!loss) {
      module.emitError() << "loom-build-apply-step: no function @" << lossFunction;
      return signalPassFailure();
    }
    FailureOr<Hyper> hyper = readHyper(module);
    if (failed(hyper))
      return signalPassFailure();
    SmallVector<unsigned> trained;
    for (unsigned i = 0; i < loss.getNumArguments(); ++i)
      if (loss.getArgAttr(i, "loom.param") && !loss.getArgAttr(i, "loom.frozen") &&
          isFloatTensor(loss.getArgument(i)))
        trained.push_back(i);
    if (trained.empty()) {
      loss.emitError("loom-build-apply-step: no trained parameter");
      return signalPassFailure();
    }
    Type element = cast<RankedTensorType>(loss.getArgument(trained[0]).getType()).getElementType();
    for (unsigned i : trained)
      if (cast<RankedTensorType>(loss.getArgument(i).getType()).getElementType() != element) {
        loss.emitError("loom-build-apply-step: trained parameters of mixed element types are not "
                       "supported yet");
        return signalPassFailure();
      }
    build(module, loss, trained, *hyper, element);
  }

  void build(ModuleOp module, func::FuncOp loss, ArrayRef<unsigned> trained, const Hyper &h,
             Type element) {
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = loss.getLoc();
    size_t n = trained.size();
    SmallVector<Type> params;
    for (unsigned i : trained)
      params.push_back(loss.getArgument(i).getType());
    // (params, grads, m, v, step) -> (params, m, v, norm, skipped)
    SmallVector<Type> inputs;
    for (int group = 0; group < 4; ++group)
      inputs.append(params);
    auto i64 = RankedTensorType::get({}, b.getI64Type());
    inputs.push_back(i64);
    SmallVector<Type> results;
    for (int group = 0; group < 3; ++group)
      results.append(params);
    results.push_back(RankedTensorType::get({}, element));
    results.push_back(RankedTensorType::get({}, b.getI1Type()));
    auto fn = func::FuncOp::create(b, loc, "apply_step", b.getFunctionType(inputs, results));
    const char *groups[] = {"loom.param", "loom.grad", "loom.adam_m", "loom.adam_v"};
    for (int group = 0; group < 4; ++group)
      for (size_t k = 0; k < n; ++k)
        fn.setArgAttr(group * n + k, groups[group], loss.getArgAttr(trained[k], "loom.param"));
    fn.setArgAttr(4 * n, "loom.input", b.getStringAttr("step"));
    b.setInsertionPointToStart(fn.addEntryBlock());
    auto arg = [&](int group, size_t k) { return fn.getArgument(group * n + k); };

    Scalars s(b, loc, element);
    // Schedule: linear warmup, then cosine decay to min_lr (progress clamped at 1).
    Value t = CastOp::create(b, loc, s.scalarType(), fn.getArgument(4 * n));
    Value one = s.constant(1.0);
    Value warm = s.bin(BinaryKind::mul, s.constant(h.lr / std::max(1.0, h.warmup)),
                       s.bin(BinaryKind::add, t, one));
    Value progress = s.bin(BinaryKind::min, one,
                           s.bin(BinaryKind::mul, s.bin(BinaryKind::sub, t, s.constant(h.warmup)),
                                 s.constant(1.0 / std::max(1.0, h.total - h.warmup))));
    Value cosine = s.bin(
        BinaryKind::add, s.constant(h.minLr),
        s.bin(BinaryKind::mul, s.constant(0.5 * (h.lr - h.minLr)),
              s.bin(BinaryKind::add, one,
                    s.un(UnaryKind::cos, s.bin(BinaryKind::mul, progress, s.constant(M_PI))))));
    Value lr = s.sel(s.cmp(ComparePredicate::lt, t, s.constant(h.warmup)), warm, cosine);

    // Global norm and the non-finite check.
    Value squares;
    for (size_t k = 0; k < n; ++k) {
      Value g = arg(1, k);
      Value sq = s.sumAll(s.bin(BinaryKind::mul, g, g));
      squares = squares ? s.bin(BinaryKind::add, squares, sq) : sq;
    }
    Value norm = s.un(UnaryKind::sqrt, squares);
    Value isNan = s.cmp(ComparePredicate::ne, norm, norm);
    Value isInf = s.cmp(ComparePredicate::eq, norm, s.constant(std::numeric_limits<double>::infinity()));
    Value skipped = s.bin(BinaryKind::bit_or, isNan, isInf);
    Value coef = one;
    if (h.clipNorm > 0)
      coef = s.bin(BinaryKind::min, one,
                   s.bin(BinaryKind::div, s.constant(h.clipNorm),
                         s.bin(BinaryKind::add, norm, s.constant(1e-6))));
    // Bias corrections at step t + 1.
    Value t1 = s.bin(BinaryKind::add, t, one);
    Value bc1 = s.bin(BinaryKind::sub, one, s.bin(BinaryKind::pow, s.constant(h.beta1), t1));
    Value bc2 = s.bin(BinaryKind::sub, one, s.bin(BinaryKind::pow, s.constant(h.beta2), t1));
    Value stepSize = s.bin(BinaryKind::div, lr, bc1);
    Value bc2Sqrt = s.un(UnaryKind::sqrt, bc2);
    Value decay = s.bin(BinaryKind::sub, one, s.bin(BinaryKind::mul, lr, s.constant(h.weightDecay)));

    SmallVector<Value> newP, newM, newV;
    for (size_t k = 0; k < n; ++k) {
      auto type = cast<RankedTensorType>(params[k]);
      Value p = arg(0, k), g = s.bin(BinaryKind::mul, arg(1, k), s.spread(coef, type));
      Value m = arg(2, k), v = arg(3, k);
      Value p1 = type.getRank() >= 2 && h.weightDecay != 0
                     ? s.bin(BinaryKind::mul, p, s.spread(decay, type))
                     : p;
      Value m1 = s.bin(BinaryKind::add, s.bin(BinaryKind::mul, m, s.constant(h.beta1, type)),
                       s.bin(BinaryKind::mul, g, s.constant(1 - h.beta1, type)));
      Value v1 = s.bin(BinaryKind::add, s.bin(BinaryKind::mul, v, s.constant(h.beta2, type)),
                       s.bin(BinaryKind::mul, s.bin(BinaryKind::mul, g, g),
                             s.constant(1 - h.beta2, type)));
      Value denom = s.bin(BinaryKind::add,
                          s.bin(BinaryKind::div, s.un(UnaryKind::sqrt, v1), s.spread(bc2Sqrt, type)),
                          s.constant(h.eps, type));
      Value p2 = s.bin(BinaryKind::sub, p1,
                       s.bin(BinaryKind::mul, s.spread(stepSize, type), s.bin(BinaryKind::div, m1, denom)));
      Value skip = s.spread(skipped, type);
      newP.push_back(s.sel(skip, p, p2));
      newM.push_back(s.sel(skip, m, m1));
      newV.push_back(s.sel(skip, v, v1));
    }
    SmallVector<Value> returned;
    returned.append(newP);
    returned.append(newM);
    returned.append(newV);
    returned.push_back(norm);
    returned.push_back(skipped);
    func::ReturnOp::create(b, loc, returned);
  }
};

} // namespace
