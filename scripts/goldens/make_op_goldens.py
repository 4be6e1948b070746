#!/usr/bin/env python3
"""Forward and VJP goldens in float64 for every loom core op, made outside Loom.

Each case becomes test/goldens/ops/<case>.mlir (one func.func @f holding the
single loom op, in Loom's custom syntax) and test/goldens/ops/<case>.safetensors:

  in.<i>          the i-th argument of @f
  out.<k>         the k-th result of @f (forward)
  cot.<k>         a random cotangent of each float result (VJP cases only)
  grad.<i>        d<cot, f(in)>/d in.<i> for each float argument (VJP cases only)
  gradpart.<k>.<i> the part of grad.<i> that comes from cot.<k> alone (only for
                  cases with two or more float results: norms, attention), so an
                  implementation whose VJP ignores a statistic's cotangent can
                  still be checked

Values are computed with PyTorch autograd (float64, one thread) and numpy from
the op descriptions in dialects/loom/IR/*.td, never with Loom. Every case
draws from its own numpy Generator seeded by crc32(case name), so the outputs
are byte-identical run to run and adding a case changes no other. The script
also writes cases.json (a machine-readable list) and README.md.

    python scripts/goldens/make_op_goldens.py [--out test/goldens/ops] [--check-with build/bin/loom-opt]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file

torch.set_num_threads(1)
F64 = torch.float64
I64_MAX = np.iinfo(np.int64).max
I64_MIN = np.iinfo(np.int64).min

# ---------------------------------------------------------------------------
# helpers

MLIR_DTYPE = {np.dtype(np.float64): "f64", np.dtype(np.float32): "f32", np.dtype(np.int64): "i64",
              np.dtype(np.int32): "i32", np.dtype(np.bool_): "i1"}


def ttype(a_or_shape, dt=None, bounds=None):
    """MLIR tensor type of an array (or of a shape and an element type string)."""
    if dt is None:
        shape, dt = a_or_shape.shape, MLIR_DTYPE[a_or_shape.dtype]
    else:
        shape = a_or_shape
    dims = "x".join("?" if d is None else str(d) for d in shape)
    enc = "" if bounds is None else ", #loom.bounds<[%s]>" % ", ".join(str(b) for b in bounds)
    return "tensor<%s%s%s>" % (dims + "x" if dims else "", dt, enc)


def fattr(x):
    """An f64 attribute literal that MLIR parses back to exactly x."""
    s = repr(float(x))
    if "e" in s and "." not in s:
        s = s.replace("e", ".0e")
    elif "." not in s and "e" not in s and "n" not in s:
        s += ".0"
    return s + " : f64"


def ilist(xs):
    return "[" + ", ".join(str(int(x)) for x in xs) + "]"


def is_float(a):
    return a.dtype.kind == "f"


def rng_for(name):
    return np.random.Generator(np.random.PCG64(zlib.crc32(name.encode())))


def distinct(rng, shape, scale=1.0):
    """Values in about [-scale, scale] whose pairwise gaps are at least 0.5·scale/n."""
    n = int(np.prod(shape))
    base = (np.arange(n) - (n - 1) / 2) / max(1, n) * 2 * scale
    v = base + rng.uniform(0, 0.5 * scale / max(1, n), size=n)
    return rng.permutation(v).reshape(shape)


def away_from_zero(rng, shape, lo, hi):
    return rng.uniform(lo, hi, size=shape) * rng.choice([-1.0, 1.0], size=shape)


CASES = []


class Case:
    def __init__(self, name, family, op_text, inputs, result_types, fn, vjp=True, notes="",
                 input_types=None, cot_override=None):
        self.name, self.family, self.op_text = name, family, op_text
        self.inputs = inputs
        self.result_types = result_types
        self.fn, self.vjp, self.notes = fn, vjp, notes
        self.input_types = input_types or [ttype(a) for a in inputs]
        self.cot_override = cot_override
        CASES.append(self)

    def mlir(self):
        args = ", ".join("%%a%d: %s" % (i, t) for i, t in enumerate(self.input_types))
        res = self.result_types
        rets = ", ".join("%%r%d" % k for k in range(len(res)))
        rtypes = res[0] if len(res) == 1 else "(" + ", ".join(res) + ")"
        return ("// Golden case %s: made by scripts/goldens/make_op_goldens.py; values in %s.safetensors.\n"
                "func.func @f(%s) -> %s {\n  %s = %s\n  return %s : %s\n}\n") % (
                    self.name, self.name, args, rtypes, rets, self.op_text, rets, ", ".join(res))


def run_case(c):
    rng = rng_for(c.name + "/cot")
    tins = []
    for a in c.inputs:
        t = torch.from_numpy(np.ascontiguousarray(a).copy())
        if is_float(a) and c.vjp:
            t.requires_grad_(True)
        tins.append(t)
    outs = c.fn(*tins)
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    tensors = {}
    for i, a in enumerate(c.inputs):
        tensors["in.%d" % i] = np.ascontiguousarray(a)
    np_outs = []
    for k, o in enumerate(outs):
        o = o.detach().numpy() if isinstance(o, torch.Tensor) else np.asarray(o)
        np_outs.append(o)
        tensors["out.%d" % k] = np.ascontiguousarray(o)
    assert len(outs) == len(c.result_types), c.name
    if c.vjp:
        fouts = [k for k, o in enumerate(np_outs) if is_float(o)]
        fins = [i for i, a in enumerate(c.inputs) if is_float(a)]
        cots = {}
        for k in fouts:
            cot = rng.standard_normal(np_outs[k].shape).astype(np_outs[k].dtype)
            if c.cot_override is not None:
                cot = c.cot_override(k, cot, np_outs)
            cots[k] = cot
            tensors["cot.%d" % k] = np.ascontiguousarray(cot)

        def vjp(which):
            o = [outs[k] for k in which]
            g = [torch.from_numpy(cots[k]) for k in which]
            grads = torch.autograd.grad(o, [tins[i] for i in fins], g, retain_graph=True,
                                        allow_unused=True)
            return [torch.zeros_like(tins[i]) if gr is None else gr for i, gr in zip(fins, grads)]

        for i, g in zip(fins, vjp(fouts)):
            tensors["grad.%d" % i] = np.ascontiguousarray(g.detach().numpy())
        if len(fouts) > 1:
            for k in fouts:
                for i, g in zip(fins, vjp([k])):
                    tensors["gradpart.%d.%d" % (k, i)] = np.ascontiguousarray(g.detach().numpy())
    for key, v in tensors.items():
        assert v.dtype in MLIR_DTYPE, (c.name, key, v.dtype)
    return tensors


# ---------------------------------------------------------------------------
# elementwise

def unary_cases():
    T = torch
    kinds = {
        # kind: (torch fn, input sampler)
        "neg": (lambda x: -x, lambda r, s: r.uniform(-2, 2, s)),
        "abs": (T.abs, lambda r, s: away_from_zero(r, s, 0.1, 2)),
        "exp": (T.exp, lambda r, s: r.uniform(-2, 2, s)),
        "log": (T.log, lambda r, s: r.uniform(0.2, 3, s)),
        "log1p": (T.log1p, lambda r, s: r.uniform(-0.5, 3, s)),
        "expm1": (T.expm1, lambda r, s: r.uniform(-2, 2, s)),
        "sqrt": (T.sqrt, lambda r, s: r.uniform(0.2, 3, s)),
        "rsqrt": (T.rsqrt, lambda r, s: r.uniform(0.2, 3, s)),
        "reciprocal": (T.reciprocal, lambda r, s: away_from_zero(r, s, 0.3, 2)),
        "square": (lambda x: x * x, lambda r, s: r.uniform(-2, 2, s)),
        "tanh": (T.tanh, lambda r, s: r.uniform(-2, 2, s)),
        "sigmoid": (T.sigmoid, lambda r, s: r.uniform(-3, 3, s)),
        "silu": (F.silu, lambda r, s: r.uniform(-3, 3, s)),
        "gelu": (lambda x: F.gelu(x, approximate="none"), lambda r, s: r.uniform(-3, 3, s)),
        "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda r, s: r.uniform(-3, 3, s)),
        "relu": (F.relu, lambda r, s: away_from_zero(r, s, 0.1, 2)),
        "softplus": (lambda x: T.log1p(T.exp(x)), lambda r, s: r.uniform(-4, 4, s)),
        "sin": (T.sin, lambda r, s: r.uniform(-3, 3, s)),
        "cos": (T.cos, lambda r, s: r.uniform(-3, 3, s)),
        "erf": (T.erf, lambda r, s: r.uniform(-2, 2, s)),
        # floor and ceil: inputs away from integers; their VJP is zero.
        "floor": (T.floor, lambda r, s: np.floor(r.uniform(-3, 3, s)) + r.uniform(0.1, 0.9, s)),
        "ceil": (T.ceil, lambda r, s: np.floor(r.uniform(-3, 3, s)) + r.uniform(0.1, 0.9, s)),
    }
    shape = (3, 5)
    for kind, (fn, sample) in kinds.items():
        name = "unary_" + kind
        x = sample(rng_for(name), shape).astype(np.float64)
        t = ttype(x)
        Case(name, "unary", "loom.unary %s %%a0 : %s" % (kind, t), [x], [t], fn)

    # Integer kinds, forward only: neg, abs and square wrap (two's complement); relu; not.
    xi = np.array([[3, -7, 0, I64_MIN, I64_MAX], [1 << 32, -(1 << 32), 5, -1, 12]], dtype=np.int64)
    ti = ttype(xi)
    with np.errstate(over="ignore"):
        ints = {"neg": -xi, "abs": np.abs(xi), "square": xi * xi, "relu": np.maximum(xi, 0),
                "not": ~xi}
    for kind, y in ints.items():
        Case("unary_%s_i64" % kind, "unary", "loom.unary %s %%a0 : %s" % (kind, ti), [xi], [ti],
             lambda x, y=y: torch.from_numpy(y), vjp=False, notes="integer, wraps")
    b = np.array([True, False, False, True, True, False])
    tb = ttype(b)
    Case("unary_not_i1", "unary", "loom.unary not %%a0 : %s" % tb, [b], [tb],
         lambda x: torch.logical_not(x), vjp=False, notes="logical on i1")


def binary_cases():
    T = torch
    shape = (3, 4)

    def pair(name, lsample, rsample):
        r = rng_for(name)
        return lsample(r, shape).astype(np.float64), rsample(r, shape).astype(np.float64)

    u = lambda lo, hi: (lambda r, s: r.uniform(lo, hi, s))
    kinds = {
        "add": (T.add, u(-2, 2), u(-2, 2)),
        "sub": (T.sub, u(-2, 2), u(-2, 2)),
        "mul": (T.mul, u(-2, 2), u(-2, 2)),
        "div": (T.div, u(-2, 2), lambda r, s: away_from_zero(r, s, 0.5, 2)),
        "max": (T.maximum, None, None),
        "min": (T.minimum, None, None),
        "pow": (T.pow, u(0.5, 2), u(-2, 2)),
        "atan2": (T.atan2, lambda r, s: away_from_zero(r, s, 0.2, 2),
                  lambda r, s: away_from_zero(r, s, 0.2, 2)),
    }
    for kind, (fn, ls, rs) in kinds.items():
        name = "binary_" + kind
        if ls is None:
            # max and min: no ties, |lhs - rhs| >= 0.1.
            r = rng_for(name)
            a = r.uniform(-2, 2, shape)
            b = a + away_from_zero(r, shape, 0.1, 1.5)
        else:
            a, b = pair(name, ls, rs)
        t = ttype(a)
        Case(name, "binary", "loom.binary %s %%a0, %%a1 : %s" % (kind, t), [a, b], [t], fn)

    # Float max/min propagate NaN (torch.maximum), forward only.
    a = np.array([1.0, np.nan, -2.0, np.nan, 0.5, 3.0])
    b = np.array([np.nan, 2.0, -1.0, np.nan, 0.25, 4.0])
    t = ttype(a)
    for kind, fn in (("max", T.maximum), ("min", T.minimum)):
        Case("binary_%s_nan" % kind, "binary", "loom.binary %s %%a0, %%a1 : %s" % (kind, t), [a, b],
             [t], fn, vjp=False, notes="NaN propagates")

    # Integer kinds, forward only; add, sub and mul wrap.
    a = np.array([[5, -3, I64_MAX, I64_MIN], [12, 0, -1, 1 << 40]], dtype=np.int64)
    b = np.array([[3, -6, 1, -1], [10, 7, -1, 1 << 30]], dtype=np.int64)
    t = ttype(a)
    with np.errstate(over="ignore"):
        ints = {"add": a + b, "sub": a - b, "mul": a * b, "max": np.maximum(a, b),
                "min": np.minimum(a, b), "and": a & b, "or": a | b, "xor": a ^ b}
    for kind, y in ints.items():
        Case("binary_%s_i64" % kind, "binary", "loom.binary %s %%a0, %%a1 : %s" % (kind, t), [a, b],
             [t], lambda x, z, y=y: torch.from_numpy(y), vjp=False, notes="integer, wraps")
    p = np.array([True, True, False, False])
    q = np.array([True, False, True, False])
    tb = ttype(p)
    for kind, y in {"and": p & q, "or": p | q, "xor": p ^ q}.items():
        Case("binary_%s_i1" % kind, "binary", "loom.binary %s %%a0, %%a1 : %s" % (kind, tb), [p, q],
             [tb], lambda x, z, y=y: torch.from_numpy(y), vjp=False, notes="logical on i1")


def floor_mod_cases():
    name = "floor_mod_f64"
    r = rng_for(name)
    shape = (3, 4)
    b = away_from_zero(r, shape, 0.7, 2.0)
    # lhs / rhs = an integer plus a fraction in [0.1, 0.9]: away from the jumps.
    a = (np.floor(r.uniform(-4, 4, shape)) + r.uniform(0.1, 0.9, shape)) * b
    t = ttype(a)
    Case(name, "floor_mod", "loom.floor_mod %%a0, %%a1 : %s" % t, [a, b], [t],
         lambda x, y: x - torch.floor(x / y) * y,
         notes="lhs - floor(lhs/rhs)*rhs; VJP: (cot, -floor(lhs/rhs)*cot)")
    a = np.array([[7, -7, 7, -7, 0, I64_MIN], [123456789012345, -98765, 5, -1, I64_MAX, -3]],
                 dtype=np.int64)
    b = np.array([[3, 3, -3, -3, 5, 1000003], [1000, 7, -2, 7, 97, -1 << 20]], dtype=np.int64)
    t = ttype(a)
    y = np.mod(a, b)  # numpy's integer mod is floored: the sign of the divisor
    Case("floor_mod_i64", "floor_mod", "loom.floor_mod %%a0, %%a1 : %s" % t, [a, b], [t],
         lambda x, z, y=y: torch.from_numpy(y), vjp=False, notes="sign of the divisor")


def compare_cases():
    a = np.array([1.0, 2.0, np.nan, -0.0, 3.0, 5.0, np.nan, -4.0])
    b = np.array([1.0, 3.0, 1.0, 0.0, 2.0, 5.0, np.nan, -5.0])
    t = ttype(a)
    fns = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
           "gt": np.greater, "ge": np.greater_equal}
    with np.errstate(invalid="ignore"):
        for p, fn in fns.items():
            y = fn(a, b)
            Case("compare_%s_f64" % p, "compare", "loom.compare %s %%a0, %%a1 : %s" % (p, t), [a, b],
                 [ttype(y)], lambda x, z, y=y: torch.from_numpy(y), vjp=False,
                 notes="IEEE: NaN compares false except ne; -0 == 0")
    a = np.array([[1, -5, I64_MIN], [7, 7, I64_MAX]], dtype=np.int64)
    b = np.array([[2, -6, I64_MAX], [7, 8, I64_MIN]], dtype=np.int64)
    t = ttype(a)
    for p in ("lt", "ge"):
        y = fns[p](a, b)
        Case("compare_%s_i64" % p, "compare", "loom.compare %s %%a0, %%a1 : %s" % (p, t), [a, b],
             [ttype(y)], lambda x, z, y=y: torch.from_numpy(y), vjp=False, notes="signed")


def select_cases():
    name = "select"
    r = rng_for(name)
    c = r.uniform(size=(3, 4)) < 0.5
    a = r.standard_normal((3, 4))
    b = r.standard_normal((3, 4))
    Case(name, "select", "loom.select %%a0, %%a1, %%a2 : %s, %s" % (ttype(c), ttype(a)), [c, a, b],
         [ttype(a)], lambda cc, x, y: torch.where(cc, x, y))


def cast_cases():
    # f64 -> f32 rounds to nearest even: 1 + 2^-24 is a tie (-> 1), 1 + 3·2^-24 -> 1 + 2^-22.
    x = np.array([1.0 + 2.0 ** -24, 1.0 + 3 * 2.0 ** -24, 0.1, -1.0 / 3.0, 1e-40, 3.4028235677973366e38,
                  -2.5, 1e-300])
    with np.errstate(over="ignore"):
        y = x.astype(np.float32)
    Case("cast_f64_to_f32", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x],
         [ttype(y)], lambda t, y=y: torch.from_numpy(y), vjp=False,
         notes="round to nearest even: 1+2^-24 -> 1; 3.4028235677973366e38 (halfway to 2^128) -> +inf; 1e-40 -> subnormal; 1e-300 -> 0")
    x = np.array([0.1, -1.5, 3.4028234663852886e38, 1.401298464324817e-45], dtype=np.float32)
    y = x.astype(np.float64)
    Case("cast_f32_to_f64", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x],
         [ttype(y)], lambda t, y=y: torch.from_numpy(y), vjp=False, notes="exact")
    # Float to integer: toward zero, saturating, NaN -> 0.
    x = np.array([-2.7, 2.7, -0.5, 0.5, 1e30, -1e30, np.nan, 9.3e18, -9.3e18, 3.0, np.inf, -np.inf])

    def to_int(v, lo, hi):
        out = []
        for e in v:
            if math.isnan(e):
                out.append(0)
            elif e >= hi:
                out.append(hi)
            elif e <= lo:
                out.append(lo)
            else:
                out.append(int(math.trunc(e)))
        return out

    y = np.array(to_int(x, I64_MIN, I64_MAX), dtype=np.int64)
    Case("cast_f64_to_i64", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x], [ttype(y)],
         lambda t, y=y: torch.from_numpy(y), vjp=False, notes="toward zero, saturating, NaN -> 0")
    i32 = np.iinfo(np.int32)
    y = np.array(to_int(x, int(i32.min), int(i32.max)), dtype=np.int32)
    Case("cast_f64_to_i32", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x], [ttype(y)],
         lambda t, y=y: torch.from_numpy(y), vjp=False, notes="toward zero, saturating, NaN -> 0")
    x = np.array([0, 1, -1, 5, I64_MIN, I64_MAX], dtype=np.int64)
    y = x.astype(np.float64)
    Case("cast_i64_to_f64", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x], [ttype(y)],
         lambda t, y=y: torch.from_numpy(y), vjp=False, notes="round to nearest even")
    y = x != 0
    Case("cast_i64_to_i1", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x], [ttype(y)],
         lambda t, y=y: torch.from_numpy(y), vjp=False, notes="x != 0")
    x = np.array([True, False, True])
    y = x.astype(np.float64)
    Case("cast_i1_to_f64", "cast", "loom.cast %%a0 : %s to %s" % (ttype(x), ttype(y)), [x], [ttype(y)],
         lambda t, y=y: torch.from_numpy(y), vjp=False, notes="0 or 1")


def broadcast_cases():
    r = rng_for("broadcast")
    x = r.standard_normal(3)
    Case("broadcast_row", "broadcast", "loom.broadcast %%a0 dims [1] : %s -> %s" % (
        ttype(x), ttype((2, 3), "f64")), [x], [ttype((2, 3), "f64")],
        lambda t: t.unsqueeze(0).expand(2, 3))
    x = r.standard_normal((2, 3))
    Case("broadcast_middle", "broadcast", "loom.broadcast %%a0 dims [0, 2] : %s -> %s" % (
        ttype(x), ttype((2, 4, 3), "f64")), [x], [ttype((2, 4, 3), "f64")],
        lambda t: t.unsqueeze(1).expand(2, 4, 3))
    x = np.array(r.standard_normal())
    Case("broadcast_scalar", "broadcast", "loom.broadcast %%a0 dims [] : %s -> %s" % (
        ttype(x), ttype((2, 3), "f64")), [x], [ttype((2, 3), "f64")],
        lambda t: t.expand(2, 3))


# ---------------------------------------------------------------------------
# contraction

def matmul_cases():
    def mm(name, lshape, rshape, tl, tr, m, n, batch=()):
        r = rng_for(name)
        a, b = r.standard_normal(lshape), r.standard_normal(rshape)
        flags = ("transpose_lhs " if tl else "") + ("transpose_rhs " if tr else "")
        out = ttype(batch + (m, n), "f64")

        def fn(x, y):
            if tl:
                x = x.transpose(-1, -2)
            if tr:
                y = y.transpose(-1, -2)
            return x @ y

        Case(name, "matmul", "loom.matmul %%a0, %%a1 %sacc(f64) : %s, %s" % (flags, ttype(a), ttype(b)),
             [a, b], [out], fn)

    mm("matmul", (3, 4), (4, 5), False, False, 3, 5)
    mm("matmul_transpose_lhs", (4, 3), (4, 5), True, False, 3, 5)
    mm("matmul_transpose_rhs", (3, 4), (5, 4), False, True, 3, 5)
    mm("matmul_transpose_both", (4, 3), (5, 4), True, True, 3, 5)
    mm("matmul_batched", (2, 3, 4), (2, 4, 5), False, False, 3, 5, (2,))
    mm("matmul_batched_transpose_rhs", (2, 2, 3, 4), (2, 2, 5, 4), False, True, 3, 5, (2, 2))

    r = rng_for("linear_bias")
    x, w, b = r.standard_normal((2, 3, 4)), r.standard_normal((5, 4)), r.standard_normal(5)
    Case("linear_bias", "linear", "loom.linear %%a0, %%a1 bias(%%a2 : %s) acc(f64) : %s, %s" % (
        ttype(b), ttype(x), ttype(w)), [x, w, b], [ttype((2, 3, 5), "f64")], F.linear)
    r = rng_for("linear")
    x, w = r.standard_normal((3, 4)), r.standard_normal((6, 4))
    Case("linear", "linear", "loom.linear %%a0, %%a1 acc(f64) : %s, %s" % (ttype(x), ttype(w)), [x, w],
         [ttype((3, 6), "f64")], F.linear)


# ---------------------------------------------------------------------------
# reductions

def reduce_cases():
    shape = (3, 4, 5)

    def red(name, kind, dims, keep):
        x = distinct(rng_for(name), shape, 2.0)
        out_shape = tuple(1 if d in dims else s for d, s in enumerate(shape)) if keep else \
            tuple(s for d, s in enumerate(shape) if d not in dims)

        def fn(t):
            if kind == "sum":
                return t.sum(dim=dims, keepdim=keep)
            if kind == "mean":
                return t.mean(dim=dims, keepdim=keep)
            if kind == "max":
                return t.amax(dim=dims, keepdim=keep)
            return t.amin(dim=dims, keepdim=keep)

        Case(name, "reduce", "loom.reduce %s %%a0 dims %s%s acc(f64) : %s" % (
            kind, ilist(dims), " keep_dims" if keep else "", ttype(x)), [x], [ttype(out_shape, "f64")],
            fn, notes="distinct values: no ties" if kind in ("max", "min") else "")

    red("reduce_sum", "sum", [1], False)
    red("reduce_sum_all", "sum", [0, 1, 2], False)
    red("reduce_mean_keep", "mean", [0, 2], True)
    red("reduce_mean", "mean", [2], False)
    red("reduce_max", "max", [2], False)
    red("reduce_max_keep", "max", [0, 1], True)
    red("reduce_min", "min", [0, 1], False)
    red("reduce_min_keep", "min", [1], True)
    x = np.array([[3, -1, 7], [2, 2, -9]], dtype=np.int64)
    Case("reduce_sum_i64", "reduce", "loom.reduce sum %%a0 dims [1] acc(i64) : %s" % ttype(x), [x],
         [ttype((2,), "i64")], lambda t: t.sum(dim=1), vjp=False)


def argmax_cases():
    x = distinct(rng_for("argmax"), (4, 6))
    Case("argmax", "argmax", "loom.argmax %%a0 dim 1 : %s" % ttype(x), [x], [ttype((4,), "i64")],
         lambda t: t.argmax(dim=1), vjp=False)
    # Ties give the smallest index; NaN is larger than every number and the first NaN wins.
    x = np.array([[1.0, 5.0, 2.0, 5.0], [np.nan, 9.0, 1.0, 3.0], [0.0, 3.0, 3.0, 1.0],
                  [4.0, np.nan, 1.0, np.nan], [-1.0, -1.0, -1.0, -1.0]]).T.copy()
    Case("argmax_ties_nan", "argmax", "loom.argmax %%a0 dim 0 : %s" % ttype(x), [x],
         [ttype((5,), "i64")], lambda t: torch.from_numpy(np.argmax(x, axis=0)), vjp=False,
         notes="ties: smallest index; first NaN wins")


def cumsum_cases():
    def cs(name, dim, exclusive, reverse, shape=(3, 5)):
        x = rng_for(name).standard_normal(shape)
        flags = [f for f, on in (("exclusive", exclusive), ("reverse", reverse)) if on]
        attr = (" {" + ", ".join(flags) + "}") if flags else ""

        def fn(t):
            if reverse:
                t = t.flip(dim)
            y = t.cumsum(dim)
            if exclusive:
                y = y - t
            if reverse:
                y = y.flip(dim)
            return y

        Case(name, "cumsum", "loom.cumsum %%a0 dim %d acc(f64)%s : %s" % (dim, attr, ttype(x)), [x],
             [ttype(x)], fn)

    cs("cumsum", 1, False, False)
    cs("cumsum_exclusive", 1, True, False)
    cs("cumsum_reverse", 1, False, True)
    cs("cumsum_exclusive_reverse", 0, True, True)
    x = np.array([[1, 0, 1, 1, 0], [2, -3, 4, 0, 1]], dtype=np.int64)
    y = np.cumsum(x, axis=1) - x
    Case("cumsum_exclusive_i64", "cumsum", "loom.cumsum %%a0 dim 1 acc(i64) {exclusive} : %s" % ttype(x),
         [x], [ttype(x)], lambda t, y=y: torch.from_numpy(y), vjp=False)


def stable_sort(v, descending):
    """Stable permutation of a 1-D array: NaN after numbers ascending, first descending."""
    idx = list(range(len(v)))
    if descending:
        return sorted(idx, key=lambda i: (0 if (v.dtype.kind == "f" and math.isnan(v[i])) else 1,
                                          -v[i] if not (v.dtype.kind == "f" and math.isnan(v[i])) else 0))
    return sorted(idx, key=lambda i: (1 if (v.dtype.kind == "f" and math.isnan(v[i])) else 0,
                                      v[i] if not (v.dtype.kind == "f" and math.isnan(v[i])) else 0))


def sort_along(x, dim, descending):
    xm = np.moveaxis(x, dim, -1)
    perm = np.empty(xm.shape, dtype=np.int64)
    for idx in np.ndindex(xm.shape[:-1]):
        perm[idx] = stable_sort(xm[idx], descending)
    vals = np.take_along_axis(xm, perm, axis=-1)
    return np.moveaxis(vals, -1, dim).copy(), np.moveaxis(perm, -1, dim).copy()


def topk_sort_cases():
    x = distinct(rng_for("top_k"), (3, 8))
    k = 3
    _, perm = sort_along(x, 1, True)
    idx = perm[:, :k].copy()
    Case("top_k", "top_k", "loom.top_k %%a0 k %d : %s" % (k, ttype(x)), [x],
         [ttype((3, k), "f64"), ttype((3, k), "i64")],
         lambda t: (torch.gather(t, 1, torch.from_numpy(idx)), torch.from_numpy(idx)),
         notes="distinct values; VJP scatters cot.0 to the indices")
    xi = np.array([[4, 1, 4, 9, 1, 9], [0, 0, 0, 0, 0, 0], [-3, 5, 2, 5, -3, 7]], dtype=np.int64)
    v, p = sort_along(xi, 1, True)
    Case("top_k_ties_i64", "top_k", "loom.top_k %%a0 k 4 : %s" % ttype(xi), [xi],
         [ttype((3, 4), "i64"), ttype((3, 4), "i64")],
         lambda t, v=v, p=p: (torch.from_numpy(v[:, :4].copy()), torch.from_numpy(p[:, :4].copy())), vjp=False,
         notes="equal values keep index order")
    xn = np.array([[1.0, np.nan, 3.0, 2.0, np.nan]])
    v, p = sort_along(xn, 1, True)
    Case("top_k_nan", "top_k", "loom.top_k %%a0 k 3 : %s" % ttype(xn), [xn],
         [ttype((1, 3), "f64"), ttype((1, 3), "i64")],
         lambda t, v=v, p=p: (torch.from_numpy(v[:, :3].copy()), torch.from_numpy(p[:, :3].copy())), vjp=False,
         notes="NaN counts as the largest, in index order")

    for name, dim, desc, shape in (("sort", 1, False, (3, 6)), ("sort_descending_dim0", 0, True, (5, 3))):
        x = distinct(rng_for(name), shape)
        _, perm = sort_along(x, dim, desc)
        Case(name, "sort", "loom.sort %%a0 dim %d%s : %s" % (dim, " {descending}" if desc else "", ttype(x)),
             [x], [ttype(x), ttype(x.shape, "i64")],
             lambda t, perm=perm, dim=dim: (torch.gather(t, dim, torch.from_numpy(perm)),
                                            torch.from_numpy(perm)),
             notes="distinct values; VJP scatters cot.0 through the permutation")
    xi = np.array([3, 1, 3, -2, 1, 3, 0], dtype=np.int64)
    for desc in (False, True):
        v, p = sort_along(xi, 0, desc)
        Case("sort_ties_i64" + ("_descending" if desc else ""), "sort",
             "loom.sort %%a0 dim 0%s : %s" % (" {descending}" if desc else "", ttype(xi)), [xi],
             [ttype(xi), ttype(xi)], lambda t, v=v, p=p: (torch.from_numpy(v), torch.from_numpy(p)),
             vjp=False, notes="stable")
    xn = np.array([2.0, np.nan, -1.0, np.nan, 0.5])
    for desc in (False, True):
        v, p = sort_along(xn, 0, desc)
        Case("sort_nan" + ("_descending" if desc else ""), "sort",
             "loom.sort %%a0 dim 0%s : %s" % (" {descending}" if desc else "", ttype(xn)), [xn],
             [ttype(xn), ttype(xn.shape, "i64")],
             lambda t, v=v, p=p: (torch.from_numpy(v), torch.from_numpy(p)), vjp=False,
             notes="NaN last ascending, first descending; stable")


def softmax_cases():
    for op, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        for dim, shape in ((1, (3, 5)), (0, (4, 3))):
            name = "%s_dim%d" % (op, dim)
            x = rng_for(name).standard_normal(shape) * 2
            Case(name, op, "loom.%s %%a0 dim %d acc(f64) : %s" % (op, dim, ttype(x)), [x], [ttype(x)],
                 lambda t, fn=fn, dim=dim: fn(t, dim))


def cross_entropy_cases():
    def ce(logits, targets, weights, ignore):
        lse = torch.logsumexp(logits, dim=-1)
        keep = targets != ignore
        safe = torch.where(keep, targets, torch.zeros_like(targets)).long()
        picked = torch.gather(logits, -1, safe.unsqueeze(-1)).squeeze(-1)
        loss = lse - picked
        if weights is not None:
            loss = loss * weights
        return torch.where(keep, loss, torch.zeros_like(loss))

    V = 5
    name = "cross_entropy"
    r = rng_for(name)
    x = r.standard_normal((6, V)) * 2
    t = np.array([1, -100, 4, 0, -100, 2], dtype=np.int64)
    Case(name, "cross_entropy", "loom.cross_entropy %%a0, %%a1 acc(f64) : %s, %s" % (ttype(x), ttype(t)),
         [x, t], [ttype((6,), "f64")], lambda a, b: ce(a, b, None, -100),
         notes="ignore_index -100 hits give loss 0 and no gradient")
    name = "cross_entropy_weights"
    r = rng_for(name)
    x = r.standard_normal((6, V)) * 2
    t = np.array([3, 0, -100, 4, 1, 1], dtype=np.int64)
    w = r.uniform(0.2, 2.0, 6)
    Case(name, "cross_entropy", "loom.cross_entropy %%a0, %%a1 weights(%%a2 : %s) acc(f64) : %s, %s" % (
        ttype(w), ttype(x), ttype(t)), [x, t, w], [ttype((6,), "f64")],
        lambda a, b, c: ce(a, b, c, -100), notes="per-token weights; ignore_index hit")
    name = "cross_entropy_ignore0_rank3"
    r = rng_for(name)
    x = r.standard_normal((2, 3, V)) * 2
    t = np.array([[0, 2, 3], [4, 0, 1]], dtype=np.int64)
    Case(name, "cross_entropy", "loom.cross_entropy %%a0, %%a1 acc(f64) {ignore_index = 0 : i64} : %s, %s" % (
        ttype(x), ttype(t)), [x, t], [ttype((2, 3), "f64")], lambda a, b: ce(a, b, None, 0),
        notes="ignore_index = 0; leading dims [2, 3]")
    name = "cross_entropy_i32_targets"
    r = rng_for(name)
    x = r.standard_normal((4, V)) * 2
    t = np.array([2, -100, 0, 4], dtype=np.int32)
    Case(name, "cross_entropy", "loom.cross_entropy %%a0, %%a1 acc(f64) : %s, %s" % (ttype(x), ttype(t)),
         [x, t], [ttype((4,), "f64")], lambda a, b: ce(a, b, None, -100), notes="i32 targets")


# ---------------------------------------------------------------------------
# data movement

def take(src, idx, axis):
    """numpy.take for torch tensors (differentiable in src)."""
    flat = idx.reshape(-1).long()
    y = torch.index_select(src, axis, flat)
    return y.reshape(tuple(src.shape[:axis]) + tuple(idx.shape) + tuple(src.shape[axis + 1:]))


def data_movement_cases():
    r = rng_for("gather")
    table = r.standard_normal((6, 4))
    ids = np.array([[1, 5, 1], [0, 3, 5]], dtype=np.int64)
    Case("gather", "gather", "loom.gather %%a0[%%a1] axis 0 : %s, %s" % (ttype(table), ttype(ids)),
         [table, ids], [ttype((2, 3, 4), "f64")], lambda s, i: take(s, i, 0),
         notes="repeated indices: the VJP adds up")
    r = rng_for("gather_axis1")
    src = r.standard_normal((3, 5, 2))
    ids = np.array([4, 0, 4, 2], dtype=np.int32)
    Case("gather_axis1", "gather", "loom.gather %%a0[%%a1] axis 1 : %s, %s" % (ttype(src), ttype(ids)),
         [src, ids], [ttype((3, 4, 2), "f64")], lambda s, i: take(s, i, 1), notes="i32 indices")

    def scatter(upd, dest, idx, axis):
        flat = idx.reshape(-1).long()
        u = upd.reshape(tuple(dest.shape[:axis]) + (flat.numel(),) + tuple(dest.shape[axis + 1:]))
        return dest.index_add(axis, flat, u)

    r = rng_for("scatter_add")
    upd, dest = r.standard_normal((2, 3, 4)), r.standard_normal((6, 4))
    ids = np.array([[2, 5, 2], [0, 2, 5]], dtype=np.int64)
    Case("scatter_add", "scatter_add", "loom.scatter_add %%a0 into %%a1[%%a2] axis 0 : %s, %s, %s" % (
        ttype(upd), ttype(dest), ttype(ids)), [upd, dest, ids], [ttype(dest)],
        lambda u, d, i: scatter(u, d, i, 0), notes="repeated indices add up")
    r = rng_for("scatter_add_axis1")
    upd, dest = r.standard_normal((3, 4, 2)), r.standard_normal((3, 5, 2))
    ids = np.array([1, 1, 4, 1], dtype=np.int64)
    Case("scatter_add_axis1", "scatter_add", "loom.scatter_add %%a0 into %%a1[%%a2] axis 1 : %s, %s, %s" % (
        ttype(upd), ttype(dest), ttype(ids)), [upd, dest, ids], [ttype(dest)],
        lambda u, d, i: scatter(u, d, i, 1), notes="repeated indices add up")

    r = rng_for("reshape")
    x = r.standard_normal((2, 3, 4))
    Case("reshape", "reshape", "loom.reshape %%a0 : %s -> %s" % (ttype(x), ttype((6, 4), "f64")), [x],
         [ttype((6, 4), "f64")], lambda t: t.reshape(6, 4))
    x = r.standard_normal((2, 6))
    Case("reshape_split", "reshape", "loom.reshape %%a0 : %s -> %s" % (ttype(x), ttype((3, 2, 2), "f64")),
         [x], [ttype((3, 2, 2), "f64")], lambda t: t.reshape(3, 2, 2))
    x = rng_for("transpose").standard_normal((2, 3, 4))
    Case("transpose", "transpose", "loom.transpose %%a0 perm [2, 0, 1] : %s" % ttype(x), [x],
         [ttype((4, 2, 3), "f64")], lambda t: t.permute(2, 0, 1))
    x = rng_for("transpose_4d").standard_normal((2, 3, 2, 2))
    Case("transpose_4d", "transpose", "loom.transpose %%a0 perm [0, 2, 1, 3] : %s" % ttype(x), [x],
         [ttype((2, 2, 3, 2), "f64")], lambda t: t.permute(0, 2, 1, 3))
    x = rng_for("slice_strided").standard_normal((5, 7))
    Case("slice_strided", "slice", "loom.slice %%a0 offsets [1, 0] sizes [2, 3] strides [2, 3] : %s" % ttype(x),
         [x], [ttype((2, 3), "f64")], lambda t: t[1:5:2, 0:9:3])
    x = rng_for("slice_whole_dim").standard_normal((3, 7))
    Case("slice_whole_dim", "slice",
         "loom.slice %%a0 offsets [0, 2] sizes [-1, 2] strides [1, 4] : %s" % ttype(x), [x],
         [ttype((3, 2), "f64")], lambda t: t[:, 2:7:4], notes="size -1 keeps the whole dim")
    r = rng_for("concat")
    a, b, c = r.standard_normal((2, 1)), r.standard_normal((2, 3)), r.standard_normal((2, 2))
    Case("concat", "concat", "loom.concat %%a0, %%a1, %%a2 dim 1 : %s, %s, %s" % (ttype(a), ttype(b), ttype(c)),
         [a, b, c], [ttype((2, 6), "f64")], lambda x, y, z: torch.cat([x, y, z], 1))
    r = rng_for("concat_dim0")
    a, b = r.standard_normal((1, 3)), r.standard_normal((2, 3))
    Case("concat_dim0", "concat", "loom.concat %%a0, %%a1 dim 0 : %s, %s" % (ttype(a), ttype(b)), [a, b],
         [ttype((3, 3), "f64")], lambda x, y: torch.cat([x, y], 0))
    y = np.broadcast_to(np.arange(4, dtype=np.int64), (3, 4)).copy()
    Case("iota_i64", "iota", "loom.iota dim 1 : %s" % ttype(y), [], [ttype(y)],
         lambda y=y: torch.from_numpy(y), vjp=False)
    y = np.broadcast_to(np.arange(3, dtype=np.float64)[:, None], (3, 2)).copy()
    Case("iota_f64", "iota", "loom.iota dim 0 : %s" % ttype(y), [], [ttype(y)],
         lambda y=y: torch.from_numpy(y), vjp=False)
    y = np.array([[1.5, -2.0, 0.1], [0.25, 3.0, -1e-3]])
    Case("constant", "constant", "loom.constant dense<[[1.5, -2.0, 0.1], [0.25, 3.0, -1.0e-03]]> : %s" % ttype(y),
         [], [ttype(y)], lambda y=y: torch.from_numpy(y), vjp=False)


# ---------------------------------------------------------------------------
# norms and rope

def rms(x, w, eps):
    rstd = torch.rsqrt((x * x).mean(-1) + eps)
    y = x * rstd.unsqueeze(-1)
    if w is not None:
        y = y * w
    return y, rstd


def layer_norm(x, w, b, eps):
    mean = x.mean(-1)
    xc = x - mean.unsqueeze(-1)
    rstd = torch.rsqrt((xc * xc).mean(-1) + eps)
    y = xc * rstd.unsqueeze(-1)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y, mean, rstd


def norm_cases():
    r = rng_for("rms_norm_weight")
    x, w = r.standard_normal((2, 3, 8)), r.uniform(0.5, 1.5, 8)
    eps = 1e-5
    Case("rms_norm_weight", "rms_norm", "loom.rms_norm %%a0 weight(%%a1 : %s) {epsilon = %s} : %s" % (
        ttype(w), fattr(eps), ttype(x)), [x, w], [ttype(x), ttype((2, 3), "f64")],
        lambda a, b: rms(a, b, eps), notes="real cotangent on rstd too; see gradpart")
    x = rng_for("rms_norm").standard_normal((4, 6))
    Case("rms_norm", "rms_norm", "loom.rms_norm %%a0 {epsilon = %s} : %s" % (fattr(1e-6), ttype(x)), [x],
         [ttype(x), ttype((4,), "f64")], lambda a: rms(a, None, 1e-6))
    r = rng_for("layer_norm_weight_bias")
    x, w, b = r.standard_normal((2, 3, 8)) + 0.5, r.uniform(0.5, 1.5, 8), r.standard_normal(8)
    Case("layer_norm_weight_bias", "layer_norm",
         "loom.layer_norm %%a0 weight(%%a1 : %s) bias(%%a2 : %s) {epsilon = %s} : %s" % (
             ttype(w), ttype(b), fattr(1e-5), ttype(x)), [x, w, b],
         [ttype(x), ttype((2, 3), "f64"), ttype((2, 3), "f64")],
         lambda a, ww, bb: layer_norm(a, ww, bb, 1e-5), notes="biased variance")
    x = rng_for("layer_norm").standard_normal((4, 6)) - 0.3
    Case("layer_norm", "layer_norm", "loom.layer_norm %%a0 {epsilon = %s} : %s" % (fattr(1e-6), ttype(x)),
         [x], [ttype(x), ttype((4,), "f64"), ttype((4,), "f64")], lambda a: layer_norm(a, None, None, 1e-6))
    r = rng_for("layer_norm_weight")
    x, w = r.standard_normal((3, 5)), r.uniform(0.5, 1.5, 5)
    Case("layer_norm_weight", "layer_norm", "loom.layer_norm %%a0 weight(%%a1 : %s) {epsilon = %s} : %s" % (
        ttype(w), fattr(1e-5), ttype(x)), [x, w], [ttype(x), ttype((3,), "f64"), ttype((3,), "f64")],
        lambda a, ww: layer_norm(a, ww, None, 1e-5))

    # The grad ops, forward only: their values are the VJPs above, from autograd.
    r = rng_for("rms_norm_grad")
    x, g = r.standard_normal((2, 3, 8)), r.standard_normal((2, 3, 8))
    xt = torch.from_numpy(x).requires_grad_(True)
    y, rstd = rms(xt, None, 1e-5)
    dx = torch.autograd.grad(y, xt, torch.from_numpy(g))[0].numpy()
    rs = rstd.detach().numpy()
    Case("rms_norm_grad", "rms_norm_grad", "loom.rms_norm_grad %%a0, %%a1, %%a2 : %s, %s" % (
        ttype(x), ttype(rs)), [x, rs, g], [ttype(x)], lambda *a, dx=dx: torch.from_numpy(dx), vjp=False,
        notes="epsilon 1e-5 in the rstd input; dx = VJP of x -> x*rstd(x) by autograd")
    r = rng_for("layer_norm_grad")
    x, g = r.standard_normal((2, 3, 8)) + 0.4, r.standard_normal((2, 3, 8))
    xt = torch.from_numpy(x).requires_grad_(True)
    y, mean, rstd = layer_norm(xt, None, None, 1e-5)
    dx = torch.autograd.grad(y, xt, torch.from_numpy(g))[0].numpy()
    m, rs = mean.detach().numpy(), rstd.detach().numpy()
    Case("layer_norm_grad", "layer_norm_grad", "loom.layer_norm_grad %%a0, %%a1, %%a2, %%a3 : %s, %s" % (
        ttype(x), ttype(rs)), [x, m, rs, g], [ttype(x)], lambda *a, dx=dx: torch.from_numpy(dx), vjp=False,
        notes="epsilon 1e-5 in the rstd input; dx by autograd")


def rope(x, pos, layout, theta):
    D = x.shape[-1]
    j = torch.arange(D // 2, dtype=F64)
    inv = torch.pow(torch.tensor(theta, dtype=F64), -2.0 * j / D)
    ang = pos.to(F64).unsqueeze(-1) * inv  # [B, S, D/2]
    c, s = torch.cos(ang).unsqueeze(2), torch.sin(ang).unsqueeze(2)  # [B, S, 1, D/2]
    if layout == "half_split":
        x1, x2 = x[..., : D // 2], x[..., D // 2:]
        return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], -1)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x1 * c - x2 * s, x2 * c + x1 * s], -1).reshape(x.shape)


def rope_cases():
    for layout in ("half_split", "interleaved"):
        name = "rope_" + layout
        x = rng_for(name).standard_normal((2, 3, 2, 8))
        pos = np.array([[0, 5, 17], [3, 3, 1000]], dtype=np.int64)
        Case(name, "rope", "loom.rope %%a0 positions(%%a1 : %s) layout(%s) {theta = %s} : %s" % (
            ttype(pos), layout, fattr(10000.0), ttype(x)), [x, pos], [ttype(x)],
            lambda a, p, layout=layout: rope(a, p, layout, 10000.0),
            notes="pair j turns by pos * theta^(-2j/D)")
    name = "rope_half_split_theta500_i32"
    x = rng_for(name).standard_normal((1, 4, 3, 6))
    pos = np.array([[7, 2, 0, 40]], dtype=np.int32)
    Case(name, "rope", "loom.rope %%a0 positions(%%a1 : %s) layout(half_split) {theta = %s} : %s" % (
        ttype(pos), fattr(500.0), ttype(x)), [x, pos], [ttype(x)],
        lambda a, p: rope(a, p, "half_split", 500.0), notes="D = 6, i32 positions")


# ---------------------------------------------------------------------------
# attention

def attention(q, k, v, qp, kp, lo, hi, scale=None):
    B, Sq, Hq, D = q.shape
    Hkv = k.shape[2]
    if scale is None:
        scale = 1.0 / math.sqrt(D)
    rep = Hq // Hkv
    kk = k.repeat_interleave(rep, dim=2)  # query head h reads kv head h // rep
    vv = v.repeat_interleave(rep, dim=2)
    s = scale * torch.einsum("bihd,bjhd->bhij", q, kk)  # [B, Hq, Sq, Sk]
    qpos = qp.unsqueeze(2)  # [B, Sq, 1]
    vis = (lo.unsqueeze(1) <= qpos) & (qpos < hi.unsqueeze(1))  # [B, Sq, Sk]
    vis = vis.unsqueeze(1).expand_as(s)
    any_ = vis.any(-1)  # [B, Hq, Sq]
    s0 = torch.where(vis, s, torch.zeros_like(s))
    m = torch.where(vis, s0, torch.full_like(s0, -1e300)).amax(-1).detach()
    m = torch.where(any_, m, torch.zeros_like(m))
    e = torch.where(vis, torch.exp(s0 - m.unsqueeze(-1)), torch.zeros_like(s0))
    den = e.sum(-1)
    den_safe = torch.where(any_, den, torch.ones_like(den))
    p = e / den_safe.unsqueeze(-1)
    out = torch.einsum("bhij,bjhd->bihd", p, vv)  # [B, Sq, Hq, Dv]
    lse = torch.where(any_, m + torch.log(den_safe), torch.full_like(den, -math.inf))
    return out, lse.permute(0, 2, 1)


def attention_types(q, k, v, qp, kp):
    B, Sq, Hq, _ = q.shape
    Dv = v.shape[-1]
    return [ttype((B, Sq, Hq, Dv), "f64"), ttype((B, Sq, Hq), "f64")]


def attention_op_text(q, k, v, qp, kp, scale=None):
    attr = "" if scale is None else " {scale = %s}" % fattr(scale)
    return ("loom.attention %%a0, %%a1, %%a2 query_positions(%%a3) key_positions(%%a4) visible(%%a5, %%a6)%s"
            " : %s, %s, %s, %s, %s") % (attr, ttype(q), ttype(k), ttype(v), ttype(qp), ttype(kp))


def zero_masked_lse_cot(k, cot, outs):
    if k == 1:
        cot = np.where(np.isneginf(outs[1]), 0.0, cot)
    return cot


def attention_cases():
    grad_inputs = {}

    def att(name, q, k, v, qp, kp, lo, hi, scale=None, notes=""):
        c = Case(name, "attention", attention_op_text(q, k, v, qp, kp, scale), [q, k, v, qp, kp, lo, hi],
                 attention_types(q, k, v, qp, kp),
                 lambda *a: attention(*a, scale=scale), notes=notes, cot_override=zero_masked_lse_cot)
        grad_inputs[name] = (c, scale)

    # Causal, grouped-query: 4 query heads over 2 kv heads.
    r = rng_for("attention_causal_gqa")
    B, S, D = 2, 5, 4
    q, k, v = r.standard_normal((B, S, 4, D)), r.standard_normal((B, S, 2, D)), r.standard_normal((B, S, 2, D))
    pos = np.broadcast_to(np.arange(S, dtype=np.int64), (B, S)).copy()
    hi = np.full((B, S), I64_MAX, dtype=np.int64)
    att("attention_causal_gqa", q, k, v, pos, pos, pos.copy(), hi,
        notes="causal [p_j, INT64_MAX); query head h reads kv head h / 2")

    # Two packed documents (positions 0..2 and 3..5), windowed: [p_j, min(p_j + 2, doc_end)).
    r = rng_for("attention_windowed")
    S = 6
    q, k, v = r.standard_normal((1, S, 4, D)), r.standard_normal((1, S, 2, D)), r.standard_normal((1, S, 2, D))
    pos = np.arange(S, dtype=np.int64)[None, :]
    doc_end = np.array([[3, 3, 3, 6, 6, 6]], dtype=np.int64)
    att("attention_windowed", q, k, v, pos, pos.copy(), pos.copy(), np.minimum(pos + 2, doc_end),
        notes="document-causal with window 2 over two packed documents")

    # Some query rows see no key at all: output 0, lse -inf, no gradient.
    r = rng_for("attention_masked_rows")
    q, k, v = r.standard_normal((1, 4, 4, D)), r.standard_normal((1, 5, 2, D)), r.standard_normal((1, 5, 2, D))
    qp = np.array([[0, 10, 2, -3]], dtype=np.int64)
    kp = np.array([[0, 1, 2, 3, 4]], dtype=np.int64)
    lo = np.array([[0, 1, 2, 3, 4]], dtype=np.int64)
    hi = np.array([[5, 5, 3, 5, 5]], dtype=np.int64)
    att("attention_masked_rows", q, k, v, qp, kp, lo, hi,
        notes="queries at positions 10 and -3 see no key: output 0, lse -inf, zero gradient; "
              "their lse cotangent is 0 so <cot, f> stays finite")

    # Explicit scale, cross-attention (Sq != Sk), Dv != D, multi-head (Hq == Hkv), bidirectional.
    r = rng_for("attention_scale_cross")
    q, k, v = r.standard_normal((2, 3, 2, 4)), r.standard_normal((2, 4, 2, 4)), r.standard_normal((2, 4, 2, 3))
    qp = np.array([[0, 1, 2], [5, 6, 7]], dtype=np.int64)
    kp = np.array([[0, 1, 2, 3], [0, 1, 2, 3]], dtype=np.int64)
    lo = np.full((2, 4), I64_MIN, dtype=np.int64)
    hi = np.full((2, 4), I64_MAX, dtype=np.int64)
    att("attention_scale_cross", q, k, v, qp, kp, lo, hi, scale=0.3,
        notes="scale 0.3; Sq 3, Sk 4, Dv 3; every key visible")

    # attention_grad, forward only: dQ, dK, dV from the output cotangent alone.
    for name in ("attention_causal_gqa", "attention_masked_rows"):
        c, scale = grad_inputs[name]
        t = run_case(c)
        q, k, v, qp, kp, lo, hi = c.inputs
        o, lse, do = t["out.0"], t["out.1"], t["cot.0"]
        dq, dk, dv = t["gradpart.0.0"], t["gradpart.0.1"], t["gradpart.0.2"]
        attr = "" if scale is None else " {scale = %s}" % fattr(scale)
        Case(name.replace("attention", "attention_grad"), "attention_grad",
             ("loom.attention_grad %%a0, %%a1, %%a2, %%a3, %%a4, %%a5 query_positions(%%a6) key_positions(%%a7)"
              " visible(%%a8, %%a9)%s : %s, %s, %s, %s, %s, %s, %s") % (
                 attr, ttype(q), ttype(k), ttype(v), ttype(o), ttype(lse), ttype(qp), ttype(kp)),
             [q, k, v, o, lse, do, qp, kp, lo, hi], [ttype(q), ttype(k), ttype(v)],
             lambda *a, dq=dq, dk=dk, dv=dv: (torch.from_numpy(dq), torch.from_numpy(dk), torch.from_numpy(dv)),
             vjp=False, notes="= gradpart.0.* of %s (autograd)" % name)


# ---------------------------------------------------------------------------
# bounded (dynamic) dims: the arguments have their run-time size, below the bound

def bounded_cases():
    x = distinct(rng_for("bounded_reduce_sum"), (3, 4))
    Case("bounded_reduce_sum", "reduce", "loom.reduce sum %%a0 dims [0] acc(f64) : %s" % ttype(
        (None, 4), "f64", (8, 4)), [x], [ttype((4,), "f64")], lambda t: t.sum(0),
        input_types=[ttype((None, 4), "f64", (8, 4))], notes="3 rows of a bound of 8")
    x = rng_for("bounded_softmax").standard_normal((2, 3))
    Case("bounded_softmax", "softmax", "loom.softmax %%a0 dim 1 acc(f64) : %s" % ttype((2, None), "f64", (2, 6)),
         [x], [ttype((2, None), "f64", (2, 6))], lambda t: torch.softmax(t, 1),
         input_types=[ttype((2, None), "f64", (2, 6))], notes="3 columns of a bound of 6")
    r = rng_for("bounded_rms_norm")
    x, w = r.standard_normal((3, 4)), r.uniform(0.5, 1.5, 4)
    Case("bounded_rms_norm", "rms_norm", "loom.rms_norm %%a0 weight(%%a1 : %s) {epsilon = %s} : %s" % (
        ttype(w), fattr(1e-5), ttype((None, 4), "f64", (5, 4))), [x, w],
        [ttype((None, 4), "f64", (5, 4)), ttype((None,), "f64", (5,))], lambda a, b: rms(a, b, 1e-5),
        input_types=[ttype((None, 4), "f64", (5, 4)), ttype(w)], notes="3 rows of a bound of 5")
    r = rng_for("bounded_attention")
    Sk, D = 3, 4
    q, k, v = r.standard_normal((1, 4, 4, D)), r.standard_normal((1, Sk, 2, D)), r.standard_normal((1, Sk, 2, D))
    qp = np.arange(4, dtype=np.int64)[None, :]
    kp = np.arange(Sk, dtype=np.int64)[None, :]
    hi = np.full((1, Sk), I64_MAX, dtype=np.int64)
    kt = ttype((1, None, 2, D), "f64", (1, 6, 2, D))
    pt = ttype((1, None), "i64", (1, 6))
    Case("bounded_attention", "attention",
         ("loom.attention %%a0, %%a1, %%a2 query_positions(%%a3) key_positions(%%a4) visible(%%a5, %%a6)"
          " : %s, %s, %s, %s, %s") % (ttype(q), kt, kt, ttype(qp), pt), [q, k, v, qp, kp, kp.copy(), hi],
         attention_types(q, k, v, qp, kp), lambda *a: attention(*a),
         input_types=[ttype(q), kt, kt, ttype(qp), pt, pt, pt],
         notes="3 keys of a bound of 6, causal, GQA", cot_override=zero_masked_lse_cot)


# ---------------------------------------------------------------------------
# randomness: Philox-4x32-10 (forward only, bit-exact)

M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK32 = 0xFFFFFFFF


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for rnd in range(10):
        if rnd:
            k0, k1 = (k0 + W0) & MASK32, (k1 + W1) & MASK32
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK32, p1 & MASK32, ((p0 >> 32) ^ c3 ^ k1) & MASK32, p0 & MASK32
    return c0, c1, c2, c3


# Random123's known-answer vectors for philox4x32_10.
assert philox4x32_10((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)
assert philox4x32_10((MASK32,) * 4, (MASK32, MASK32)) == (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)
assert philox4x32_10((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0)) == \
    (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)


def split64(x):
    u = int(x) & 0xFFFFFFFFFFFFFFFF
    return u & MASK32, u >> 32


def join64(lo, hi):
    u = (hi << 32) | lo
    return u - (1 << 64) if u >= 1 << 63 else u


def random_cases():
    key = np.array(0x1234ABCD5678EF01, dtype=np.int64)
    data = np.array(-7, dtype=np.int64)
    w = philox4x32_10(split64(data) + (0, 0), split64(key))
    y = np.array(join64(w[0], w[1]), dtype=np.int64)
    Case("random_fold_in", "random_fold_in", "loom.random_fold_in %%a0, %%a1 : %s" % ttype(key), [key, data],
         [ttype(y)], lambda a, b, y=y: torch.from_numpy(y), vjp=False,
         notes="Philox-4x32-10 of key on counter (lo(data), hi(data), 0, 0); words 0, 1")
    shape = (2, 5)
    vals = []
    for i in range(int(np.prod(shape))):
        w0 = philox4x32_10((i & MASK32, i >> 32, 0, 0), split64(key))[0]
        vals.append((w0 >> 8) * 2.0 ** -24)
    y = np.array(vals, dtype=np.float32).reshape(shape)
    Case("random_uniform_f32", "random_uniform", "loom.random_uniform %%a0 : %s" % ttype(y), [key], [ttype(y)],
         lambda a, y=y: torch.from_numpy(y), vjp=False, notes="top 24 bits of word 0 times 2^-24")


# ---------------------------------------------------------------------------

def write_readme(out, cases):
    lines = [
        "# Op goldens",
        "",
        "Made by `scripts/goldens/make_op_goldens.py` (PyTorch autograd and numpy in float64, never Loom;",
        "see `scripts/goldens/README.md` for the versions and the command). Do not edit by hand.",
        "",
        "## Format",
        "",
        "Each case `<case>` is two files:",
        "",
        "- `<case>.mlir`: a module with `func.func @f(<inputs>) -> <outputs>` whose body is the single",
        "  loom op, in Loom's custom syntax. Arguments `%a0, %a1, …`; results in op order.",
        "- `<case>.safetensors`:",
        "  - `in.<i>`: the value of argument `i` (a bounded dynamic dim has its run-time size here,",
        "    below the bound in the type);",
        "  - `out.<k>`: result `k` of the forward pass;",
        "  - `cot.<k>`: a random cotangent for each float result (VJP cases only);",
        "  - `grad.<i>`: the VJP `d<cot, f(in)>/d in.<i>` for each float argument `i`, all cotangents",
        "    together (VJP cases only; none for integer or i1 arguments);",
        "  - `gradpart.<k>.<i>`: the part of `grad.<i>` from `cot.<k>` alone, for cases with two or more",
        "    float results (norms, attention), so a VJP that ignores the cotangent of a statistic",
        "    (rstd, mean, log-sum-exp) can be checked on `gradpart.0.*`.",
        "",
        "dtypes: F64, F32, I64, I32 and BOOL (i1). `cases.json` lists every case with its op, whether",
        "it has a VJP, the tensor names and a note.",
        "",
        "Conventions: inputs are kept away from kinks (|x| > 0.1 for abs and relu, positive for",
        "log/sqrt/rsqrt, away from integers for floor, ceil and floor_mod, no ties for max/min/sort/",
        "top_k/argmax VJPs). Attention rows that see no key have output 0, log-sum-exp -inf, zero",
        "gradient, and a zero log-sum-exp cotangent (so <cot, f> stays finite). Values should match",
        "within 1e-10 (relative, with an absolute floor of 1e-12) in float64; integer, i1 and cast",
        "results and random draws exactly.",
        "",
        "## Cases (%d)" % len(cases),
        "",
        "| case | op | VJP | note |",
        "|---|---|---|---|",
    ]
    for c in cases:
        lines.append("| %s | %s | %s | %s |" % (c.name, c.family, "yes" if c.vjp else "forward", c.notes))
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="test/goldens/ops")
    ap.add_argument("--check-with", help="a loom-opt binary: parse and verify every .mlir")
    a = ap.parse_args()
    for build in (unary_cases, binary_cases, floor_mod_cases, compare_cases, select_cases, cast_cases,
                  broadcast_cases, matmul_cases, reduce_cases, argmax_cases, cumsum_cases, topk_sort_cases,
                  softmax_cases, cross_entropy_cases, data_movement_cases, norm_cases, rope_cases,
                  attention_cases, bounded_cases, random_cases):
        build()
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    os.makedirs(a.out, exist_ok=True)
    manifest = []
    for c in CASES:
        tensors = run_case(c)
        save_file(tensors, os.path.join(a.out, c.name + ".safetensors"))
        with open(os.path.join(a.out, c.name + ".mlir"), "w") as f:
            f.write(c.mlir())
        manifest.append({"case": c.name, "op": "loom." + c.family, "vjp": c.vjp, "note": c.notes,
                         "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape)}
                                     for k, v in sorted(tensors.items())}})
        if a.check_with:
            p = subprocess.run([a.check_with, os.path.join(a.out, c.name + ".mlir")], capture_output=True,
                               text=True)
            if p.returncode:
                print("loom-opt rejects %s:\n%s" % (c.name, p.stderr), file=sys.stderr)
    with open(os.path.join(a.out, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    write_readme(a.out, CASES)
    print("%d cases (%d with a VJP) in %s" % (len(CASES), sum(c.vjp for c in CASES), a.out))


if __name__ == "__main__":
    main()
