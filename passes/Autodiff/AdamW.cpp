//===- AdamW.cpp - the optimizer step as loom ops --------------------------===//

#include "passes/Autodiff/AdamW.h"

#include "dialects/loom/IR/LoomOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::loom;

FailureOr<Hyper> mlir::loom::readHyper(ModuleOp module, StringRef pass) {
  auto dict = module->getAttrOfType<DictionaryAttr>("loom.training");
  if (!dict) {
    module.emitError() << pass
                       << ": the module has no loom.training dictionary (the spec's "
                          "training block)";
    return failure();
  }
  bool ok = true;
  auto get = [&](StringRef key) -> double {
    Attribute a = dict.get(key);
    if (auto f = dyn_cast_or_null<FloatAttr>(a))
      return f.getValueAsDouble();
    if (auto i = dyn_cast_or_null<IntegerAttr>(a))
      return static_cast<double>(i.getInt());
    module.emitError() << pass << ": loom.training needs a number '" << key << "'";
    ok = false;
    return 0;
  };
  Hyper h{get("lr"),    get("min_lr"), get("warmup_steps"), get("total_steps"), get("beta1"),
          get("beta2"), get("eps"),    get("weight_decay"), get("clip_norm")};
  if (!ok)
    return failure();
  return h;
}

namespace {

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
    auto t = RankedTensorType::get(type.getShape(),
                                   cast<RankedTensorType>(s.getType()).getElementType());
    return BroadcastOp::create(b, loc, t, s, ArrayRef<int64_t>{}, ValueRange{});
  }
  Value sumAll(Value x) {
    auto t = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < t.getRank(); ++d)
      dims.push_back(d);
    if (dims.empty())
      return x;
    // In f64: the global norm sums every parameter's square (10^5 to 10^9
    // terms), and an f32 accumulator added in order loses about 1e-4 of it
    // at 10^5 already (each term far below the running sum). In f64 the f32
    // result is the same whatever order a backend adds in (the GPU's
    // cooperative reductions, the CPU's loop).
    Type acc = b.getF64Type();
    return ReduceOp::create(b, loc, ReduceKind::sum, x, dims, acc, false);
  }

private:
  OpBuilder &b;
  Location loc;
  Type element;
};

} // namespace

AdamResults mlir::loom::buildAdamW(OpBuilder &b, Location loc, const Hyper &h, Type element,
                                   ArrayRef<AdamSlot> slots, Value step) {
  Scalars s(b, loc, element);
  // Schedule: linear warmup, then cosine decay to min_lr (progress clamped at 1).
  Value t = CastOp::create(b, loc, s.scalarType(), step);
  Value one = s.constant(1.0);
  Value warm = s.bin(BinaryKind::mul, s.constant(h.lr / std::max(1.0, h.warmup)),
                     s.bin(BinaryKind::add, t, one));
  Value progress = s.bin(BinaryKind::min, one,
                         s.bin(BinaryKind::mul, s.bin(BinaryKind::sub, t, s.constant(h.warmup)),
                               s.constant(1.0 / std::max(1.0, h.total - h.warmup))));
  Value cosine =
      s.bin(BinaryKind::add, s.constant(h.minLr),
            s.bin(BinaryKind::mul, s.constant(0.5 * (h.lr - h.minLr)),
                  s.bin(BinaryKind::add, one,
                        s.un(UnaryKind::cos, s.bin(BinaryKind::mul, progress, s.constant(M_PI))))));
  Value lr = s.sel(s.cmp(ComparePredicate::lt, t, s.constant(h.warmup)), warm, cosine);

  // Global norm and the non-finite check.
  Value squares;
  for (const AdamSlot &slot : slots) {
    Value sq = s.sumAll(s.bin(BinaryKind::mul, slot.grad, slot.grad));
    squares = squares ? s.bin(BinaryKind::add, squares, sq) : sq;
  }
  Value norm = s.un(UnaryKind::sqrt, squares);
  Value isNan = s.cmp(ComparePredicate::ne, norm, norm);
  Value isInf =
      s.cmp(ComparePredicate::eq, norm, s.constant(std::numeric_limits<double>::infinity()));
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

  AdamResults out;
  out.norm = norm;
  out.skipped = skipped;
  for (const AdamSlot &slot : slots) {
    auto type = cast<RankedTensorType>(slot.param.getType());
    Value p = slot.param, g = s.bin(BinaryKind::mul, slot.grad, s.spread(coef, type));
    Value m = slot.m, v = slot.v;
    Value p1 = p;
    if (h.weightDecay != 0 && slot.decayed != 0) {
      Value factor = s.spread(decay, type);
      if (slot.decayed > 0 && slot.decayed < type.getNumElements()) {
        // Decay the first `decayed` elements of a flat arena only.
        auto i64 = RankedTensorType::get(type.getShape(), b.getI64Type());
        Value index = IotaOp::create(b, loc, i64, 0, ValueRange{});
        Value limit = ConstantOp::create(
            b, loc, DenseElementsAttr::get(i64, b.getI64IntegerAttr(slot.decayed)));
        factor = s.sel(s.cmp(ComparePredicate::lt, index, limit), factor, s.constant(1.0, type));
      }
      p1 = s.bin(BinaryKind::mul, p, factor);
    }
    Value m1 = s.bin(BinaryKind::add, s.bin(BinaryKind::mul, m, s.constant(h.beta1, type)),
                     s.bin(BinaryKind::mul, g, s.constant(1 - h.beta1, type)));
    Value v1 =
        s.bin(BinaryKind::add, s.bin(BinaryKind::mul, v, s.constant(h.beta2, type)),
              s.bin(BinaryKind::mul, s.bin(BinaryKind::mul, g, g), s.constant(1 - h.beta2, type)));
    Value denom = s.bin(BinaryKind::add,
                        s.bin(BinaryKind::div, s.un(UnaryKind::sqrt, v1), s.spread(bc2Sqrt, type)),
                        s.constant(h.eps, type));
    Value p2 =
        s.bin(BinaryKind::sub, p1,
              s.bin(BinaryKind::mul, s.spread(stepSize, type), s.bin(BinaryKind::div, m1, denom)));
    Value skip = s.spread(skipped, type);
    out.params.push_back(s.sel(skip, p, p2));
    out.m.push_back(s.sel(skip, m, m1));
    out.v.push_back(s.sel(skip, v, v1));
  }
  return out;
}
