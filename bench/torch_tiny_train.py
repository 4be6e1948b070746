#!/usr/bin/env python3
"""PyTorch anchor of `loom-bench train`: the tiny Llama's training step in float32.

The same model as scripts/goldens/make_llama_twin.py (whose spec reader, parameter table,
batch rule and learning-rate schedule are imported from there), in float32 instead of float64:
embedding; per layer RMSNorm, q/k/v projections, half-split RoPE, grouped-query causal
attention, o projection, residual, RMSNorm, SwiGLU, residual; final RMSNorm; untied lm_head;
mean cross entropy. The step is the twin's torch.optim path: loss.backward(), clip_grad_norm_,
AdamW with weight decay on matrices only, lr(t) from the spec's schedule.

Same inputs as loom-bench: the weights are drawn exactly as loom-bench draws them (one
splitmix64 counter over the parameters in the bundle's arena order, Box-Muller's cosine branch,
init_std rounded to float32 as the manifest stores it; ONES draw nothing), and step t's batch
is the byte-corpus batch (seed, t). So "first_loss" equals loom-bench's to float32 rounding.

    python bench/torch_tiny_train.py --mode eager|compile --steps N --warmup W --threads T

Prints one JSON line like loom-bench's; with --mode compile, a failure of torch.compile prints
{"impl": "torch-compile", "error": ...} and exits 0. Time of the timed steps only: batches are
cut before, and torch.compile's compilation happens in the first warmup step (reported as
"compile_s"). PyTorch and numpy are benchmark anchors, never dependencies of Loom.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts", "goldens"))


def emit(record):
    print(json.dumps(record), flush=True)


def pack_order(table):
    """Parameters in the bundle's arena order (loom-pack-arenas): the weight-decayed matrices
    (rank >= 2) first, then the rest, each group in the builder's order."""
    return [p for p in table if len(p[1]) >= 2] + [p for p in table if len(p[1]) < 2]


def splitmix64_np(np, z):
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def init_weights(np, twin, c, seed):
    """rt::InitializeNormalParameters (runtime/train/checkpoint_state.h), vectorized."""
    counter = 0
    out = {}
    for name, shape in pack_order(twin.parameter_table(c)):
        rule = [r for r in c["rules"] if twin.glob_match(r[0], name)][-1]
        n = int(np.prod(shape))
        if rule[1] == "NORMAL":
            k = np.arange(counter, counter + 2 * n, dtype=np.uint64) + np.uint64(seed)
            counter += 2 * n
            u = ((splitmix64_np(np, k) >> np.uint64(11)).astype(np.float64) + 1.0) * 2.0 ** -53
            std = float(np.float32(rule[2]))
            w = std * np.sqrt(-2.0 * np.log(u[0::2])) * np.cos(2.0 * math.pi * u[1::2])
        elif rule[1] == "ONES":
            w = np.ones(n)
        elif rule[1] == "ZEROS":
            w = np.zeros(n)
        else:
            raise ValueError(rule)
        out[name] = w.astype(np.float32).reshape(shape)
    return out


def build_loss(torch, c, attention_kind):
    """The twin's loss_fn in float32, with the RoPE tables and the causal mask built once."""
    F = torch.nn.functional
    B, S = c["batch"], c["seq"]
    d, H, Hkv = c["dim"], c["heads"], c["kv_heads"]
    hd, eps, rep = d // H, c["eps"], c["heads"] // c["kv_heads"]
    j = torch.arange(hd // 2, dtype=torch.float64)
    inv = torch.pow(torch.tensor(c["theta"], dtype=torch.float64), -2.0 * j / hd)
    ang = torch.arange(S, dtype=torch.float64)[:, None] * inv
    cos = torch.cos(ang)[None, :, None, :].to(torch.float32)
    sin = torch.sin(ang)[None, :, None, :].to(torch.float32)
    causal = torch.ones(S, S, dtype=torch.bool).tril()
    scale = 1.0 / math.sqrt(hd)

    def rms_norm(x, w):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w

    def rope(x):
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)

    def attention(q, k, v):  # [B, S, H, hd] in, [B, S, H * hd] out
        if attention_kind == "sdpa":
            o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2),
                                               v.transpose(1, 2), is_causal=True,
                                               enable_gqa=True)
            return o.transpose(1, 2).reshape(B, S, d)
        k, v = k.repeat_interleave(rep, 2), v.repeat_interleave(rep, 2)
        s = torch.einsum("bihd,bjhd->bhij", q, k) * scale
        p = torch.softmax(s.masked_fill(~causal, -math.inf), -1)
        return torch.einsum("bhij,bjhd->bihd", p, v).reshape(B, S, d)

    def loss_fn(P, tokens, targets):
        x = P["model.embed_tokens.weight"][tokens]
        for i in range(c["layers"]):
            p = "model.layers.%d." % i
            n = rms_norm(x, P[p + "input_layernorm.weight"])
            q = rope((n @ P[p + "self_attn.q_proj.weight"].T).reshape(B, S, H, hd))
            k = rope((n @ P[p + "self_attn.k_proj.weight"].T).reshape(B, S, Hkv, hd))
            v = (n @ P[p + "self_attn.v_proj.weight"].T).reshape(B, S, Hkv, hd)
            x = x + attention(q, k, v) @ P[p + "self_attn.o_proj.weight"].T
            m = rms_norm(x, P[p + "post_attention_layernorm.weight"])
            gate = F.silu(m @ P[p + "mlp.gate_proj.weight"].T)
            x = x + (gate * (m @ P[p + "mlp.up_proj.weight"].T)) @ P[p + "mlp.down_proj.weight"].T
        logits = rms_norm(x, P["model.norm.weight"]) @ P["lm_head.weight"].T
        return F.cross_entropy(logits.reshape(B * S, -1), targets.reshape(B * S))

    return loss_fn


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["eager", "compile"], default="eager")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None,
                    help="weights and batches (default: the spec's training.seed)")
    ap.add_argument("--spec", default=os.path.join(ROOT, "models/llama/tiny.textproto"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "data/corpus/corpus.txt"))
    ap.add_argument("--attention", choices=["twin", "sdpa"], default="twin",
                    help="twin: the twin's einsum + masked softmax; sdpa: "
                         "F.scaled_dot_product_attention")
    ap.add_argument("--optimizer", choices=["fused", "foreach", "forloop"], default="fused",
                    help="torch.optim.AdamW implementation")
    a = ap.parse_args()
    impl = "torch-" + a.mode
    if a.steps < 1 or a.warmup < 0 or a.threads < 1:
        ap.error("--steps >= 1, --warmup >= 0 and --threads >= 1 are required")
    if a.mode == "compile" and a.warmup < 1:
        ap.error("--mode compile needs --warmup >= 1 (the first step compiles)")

    try:
        import numpy as np
        import torch
        import make_llama_twin as twin  # sets one thread on import: set ours after it
    except ImportError as e:
        emit({"impl": impl, "threads": a.threads, "error": "import failed: %s" % e})
        return 0
    torch.set_num_threads(a.threads)

    c = twin.read_spec(a.spec)
    seed = c["seed"] if a.seed is None else a.seed
    count = a.warmup + a.steps
    _, tokens, targets = twin.make_batches(open(a.corpus, "rb").read(), seed, count,
                                           c["batch"], c["seq"])
    # One tensor per step, as loom-bench holds them (no views into one block).
    tokens = [torch.from_numpy(tokens[t].copy()) for t in range(count)]
    targets = [torch.from_numpy(targets[t].copy()) for t in range(count)]
    P = {n: torch.from_numpy(w).requires_grad_(True) for n, w in init_weights(np, twin, c, seed).items()}
    params = list(P.values())
    opt_kind = {"fused": {"fused": True}, "foreach": {"foreach": True},
                "forloop": {"foreach": False}}[a.optimizer]
    opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": c["wd"]},
                             {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}],
                            lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["adam_eps"], **opt_kind)
    loss_fn = build_loss(torch, c, a.attention)
    if a.mode == "compile":
        loss_fn = torch.compile(loss_fn, dynamic=False)

    def step(t):
        loss = loss_fn(P, tokens[t], targets[t])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, c["clip"], foreach=True)
        for group in opt.param_groups:
            group["lr"] = twin.lr_at(c, t)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    losses, times = [], []
    compile_s = None
    try:
        for t in range(count):
            start = time.perf_counter()
            losses.append(step(t))
            elapsed = time.perf_counter() - start
            if t == 0 and a.mode == "compile":
                compile_s = elapsed
            if t >= a.warmup:
                times.append(elapsed)
    except Exception as e:  # torch.compile (Inductor needs a C++ compiler) or anything else
        if a.mode != "compile":
            raise
        emit({"impl": impl, "threads": a.threads,
              "error": "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0][:300]
                                   if str(e).strip() else ""),
              "where": traceback.format_exc().strip().splitlines()[-1][:300]})
        return 0

    total = sum(times)
    record = {"impl": impl, "tokens_per_s": a.steps * c["batch"] * c["seq"] / total,
              "ms_per_step": total * 1e3 / a.steps, "threads": a.threads,
              "final_loss": losses[-1], "steps": a.steps, "warmup": a.warmup,
              "batch": c["batch"], "length": c["seq"],
              "ms_per_step_median": statistics.median(times) * 1e3,
              "first_loss": losses[0], "attention": a.attention, "optimizer": a.optimizer,
              "torch": torch.__version__}
    if compile_s is not None:
        record["compile_s"] = compile_s
    emit(record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
