#!/usr/bin/env python3
"""A PyTorch twin of models/llama/tiny.textproto in float64, and its first 20 training steps.

The model is the Llama builder's (models/llama/LlamaBuilder.cpp,
models/common/TransformerBlocks.cpp): embedding; per layer RMSNorm (weight,
eps from the spec), q/k/v projections, half-split RoPE (Hugging Face's
rotate_half, theta from the spec, positions 0..S-1), grouped-query causal
attention with scale 1/sqrt(head_dim), o projection, residual, RMSNorm, SwiGLU
(down(silu(gate(x)) * up(x))), residual; final RMSNorm; an untied lm_head; and
@loss = the mean cross entropy over the targets that are not -100.

Initial weights follow the spec's parameter rules in the builder's parameter
order (Hugging Face names): for each parameter in that order, NORMAL draws
torch.randn(shape, generator=g, dtype=float64) * std and rounds it once to
float32 (so the f32 programs start from exactly the same weights), ONES draws
nothing. g = torch.Generator().manual_seed(training.seed).

Batches: see data/README.md (splitmix64 offsets into data/corpus/corpus.txt,
tokens = bytes + 4).

The optimizer is the Training message's (frontends/spec/model_spec.proto),
written out here, and checked against torch.optim.AdamW + clip_grad_norm_.

Writes to test/goldens/llama_tiny/:
  init.safetensors          f64 initial weights, Hugging Face names
  batches.safetensors       tokens, targets [20, B, S] i64; offsets [20, B] i64
  losses.npy                20 f64: the loss of step t's batch before step t's update
  grads_step0.safetensors   f64 gradients of step 0, before clipping
  params_step1.safetensors  f64 parameters after the first update
  steps.safetensors         lr [20], grad_norm [20] (before clipping), clip_scale [20],
                            lr_schedule [total_steps] (lr(t) for every step of the schedule)

    python scripts/goldens/make_llama_twin.py [--spec models/llama/tiny.textproto]
"""
import argparse
import math
import os
import re

import numpy as np
import torch
from safetensors.numpy import save_file

torch.set_num_threads(1)
F64 = torch.float64
STEPS = 20
MASK64 = (1 << 64) - 1


# ---------------------------------------------------------------------------
# the spec (a small reader for the fields the twin needs)

def read_spec(path):
    text = re.sub(r"#[^\n]*", "", open(path).read())

    def block(name):
        m = re.search(r"\b%s\s*\{([^{}]*(\{[^{}]*\}[^{}]*)*)\}" % name, text)
        assert m, name
        return m.group(1)

    def field(src, name, conv=float):
        m = re.search(r"\b%s\s*:\s*([^\s]+)" % name, src)
        assert m, name
        return conv(m.group(1).strip('"'))

    tr, sh, trn, voc = block("transformer"), block("shape"), block("training"), block("vocabulary")
    rope = block("rope")
    cfg = dict(
        vocab=field(voc, "size", int), layers=field(tr, "num_layers", int), dim=field(tr, "dim", int),
        heads=field(tr, "num_heads", int), kv_heads=field(tr, "num_kv_heads", int),
        ffn=field(tr, "ffn_hidden", int), eps=field(tr, "norm_eps"), theta=field(rope, "theta"),
        layout=field(rope, "layout", str), tie=field(tr, "tie_embeddings", str) == "true",
        batch=field(sh, "batch", int), seq=field(sh, "sequence", int),
        lr=field(trn, "lr"), min_lr=field(trn, "min_lr"), warmup=field(trn, "warmup_steps", int),
        total=field(trn, "total_steps", int), beta1=field(trn, "beta1"), beta2=field(trn, "beta2"),
        adam_eps=field(trn, "eps"), wd=field(trn, "weight_decay"), clip=field(trn, "clip_norm"),
        seed=field(trn, "seed", int))
    assert cfg["layout"] == "HALF_SPLIT" and not cfg["tie"]
    rules = re.findall(r"parameters\s*\{([^{}]*)\}", text)
    cfg["rules"] = [(field(r, "pattern", str), field(r, "init", str),
                     field(r, "std") if re.search(r"\bstd\s*:", r) else None) for r in rules]
    return cfg


def glob_match(pattern, name):
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), name) is not None


def parameter_table(c):
    """(name, shape) in the builder's order (frontends/spec llamaParameters)."""
    d, hd = c["dim"], c["dim"] // c["heads"]
    table = [("model.embed_tokens.weight", (c["vocab"], d))]
    for i in range(c["layers"]):
        p = "model.layers.%d." % i
        table += [(p + "input_layernorm.weight", (d,)),
                  (p + "self_attn.q_proj.weight", (c["heads"] * hd, d)),
                  (p + "self_attn.k_proj.weight", (c["kv_heads"] * hd, d)),
                  (p + "self_attn.v_proj.weight", (c["kv_heads"] * hd, d)),
                  (p + "self_attn.o_proj.weight", (d, c["heads"] * hd)),
                  (p + "post_attention_layernorm.weight", (d,)),
                  (p + "mlp.gate_proj.weight", (c["ffn"], d)),
                  (p + "mlp.up_proj.weight", (c["ffn"], d)),
                  (p + "mlp.down_proj.weight", (d, c["ffn"]))]
    table += [("model.norm.weight", (d,)), ("lm_head.weight", (c["vocab"], d))]
    return table


def init_params(c):
    g = torch.Generator().manual_seed(c["seed"])
    params = {}
    for name, shape in parameter_table(c):
        rule = [r for r in c["rules"] if glob_match(r[0], name)][-1]  # the last matching rule wins
        if rule[1] == "NORMAL":
            w = (torch.randn(shape, generator=g, dtype=F64) * rule[2]).to(torch.float32).to(F64)
        elif rule[1] == "ONES":
            w = torch.ones(shape, dtype=F64)
        elif rule[1] == "ZEROS":
            w = torch.zeros(shape, dtype=F64)
        else:
            raise ValueError(rule)
        params[name] = w
    return params


# ---------------------------------------------------------------------------
# batches (data/README.md)

def splitmix64(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def make_batches(corpus, seed, steps, B, S):
    N = len(corpus)
    data = np.frombuffer(corpus, dtype=np.uint8).astype(np.int64)
    offsets = np.zeros((steps, B), dtype=np.int64)
    tokens = np.zeros((steps, B, S), dtype=np.int64)
    targets = np.zeros((steps, B, S), dtype=np.int64)
    for t in range(steps):
        for b in range(B):
            o = splitmix64((seed + t * B + b) & MASK64) % (N - S - 1)
            offsets[t, b] = o
            tokens[t, b] = data[o:o + S] + 4
            targets[t, b] = data[o + 1:o + S + 1] + 4
    return offsets, tokens, targets


# ---------------------------------------------------------------------------
# the model

def rms_norm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def rope_half_split(x, theta):
    # x [B, S, H, D]; positions 0..S-1; pair j = (x[j], x[j + D/2]) turns by pos * theta^(-2j/D)
    S, D = x.shape[1], x.shape[-1]
    j = torch.arange(D // 2, dtype=F64)
    inv = torch.pow(torch.tensor(theta, dtype=F64), -2.0 * j / D)
    ang = torch.arange(S, dtype=F64)[:, None] * inv  # [S, D/2]
    c, s = torch.cos(ang)[None, :, None, :], torch.sin(ang)[None, :, None, :]
    x1, x2 = x[..., : D // 2], x[..., D // 2:]
    return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], -1)


def attention(q, k, v):
    # q [B, S, Hq, D], k, v [B, S, Hkv, D]; causal; query head h reads kv head h // (Hq / Hkv)
    B, S, Hq, D = q.shape
    rep = Hq // k.shape[2]
    k, v = k.repeat_interleave(rep, 2), v.repeat_interleave(rep, 2)
    s = torch.einsum("bihd,bjhd->bhij", q, k) / math.sqrt(D)
    causal = torch.ones(S, S, dtype=torch.bool).tril()
    s = s.masked_fill(~causal, -math.inf)
    p = torch.softmax(s, -1)
    return torch.einsum("bhij,bjhd->bihd", p, v)


def loss_fn(c, P, tokens, targets):
    B, S = tokens.shape
    d, H, Hkv = c["dim"], c["heads"], c["kv_heads"]
    hd = d // H
    x = P["model.embed_tokens.weight"][tokens]
    for i in range(c["layers"]):
        p = "model.layers.%d." % i
        n = rms_norm(x, P[p + "input_layernorm.weight"], c["eps"])
        q = rope_half_split((n @ P[p + "self_attn.q_proj.weight"].T).reshape(B, S, H, hd), c["theta"])
        k = rope_half_split((n @ P[p + "self_attn.k_proj.weight"].T).reshape(B, S, Hkv, hd), c["theta"])
        v = (n @ P[p + "self_attn.v_proj.weight"].T).reshape(B, S, Hkv, hd)
        x = x + attention(q, k, v).reshape(B, S, d) @ P[p + "self_attn.o_proj.weight"].T
        m = rms_norm(x, P[p + "post_attention_layernorm.weight"], c["eps"])
        gate = torch.nn.functional.silu(m @ P[p + "mlp.gate_proj.weight"].T)
        x = x + (gate * (m @ P[p + "mlp.up_proj.weight"].T)) @ P[p + "mlp.down_proj.weight"].T
    logits = rms_norm(x, P["model.norm.weight"], c["eps"]) @ P["lm_head.weight"].T
    flat, tgt = logits.reshape(B * S, -1), targets.reshape(B * S)
    keep = tgt != -100
    per = torch.logsumexp(flat, -1) - flat.gather(1, tgt.clamp(min=0)[:, None])[:, 0]
    per = torch.where(keep, per, torch.zeros_like(per))
    return per.sum() / keep.sum().clamp(min=1).to(F64)


# ---------------------------------------------------------------------------
# the optimizer (frontends/spec/model_spec.proto, message Training)

def lr_at(c, t):
    if t < c["warmup"]:
        return c["lr"] * (t + 1) / c["warmup"]
    frac = (t - c["warmup"]) / max(1, c["total"] - c["warmup"])
    return c["min_lr"] + (c["lr"] - c["min_lr"]) * (1 + math.cos(math.pi * frac)) / 2


def train(c, params, batches, use_torch_optim=False):
    names = list(params)
    P = {n: params[n].clone().requires_grad_(True) for n in names}
    m = {n: torch.zeros_like(params[n]) for n in names}
    v = {n: torch.zeros_like(params[n]) for n in names}
    opt = None
    if use_torch_optim:
        decay = [P[n] for n in names if P[n].dim() >= 2]
        no_decay = [P[n] for n in names if P[n].dim() < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": c["wd"]},
                                 {"params": no_decay, "weight_decay": 0.0}],
                                lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["adam_eps"],
                                foreach=False)
    _, tokens, targets = batches
    out = {"losses": [], "lr": [], "grad_norm": [], "clip_scale": []}
    for t in range(STEPS):
        loss = loss_fn(c, P, torch.from_numpy(tokens[t]), torch.from_numpy(targets[t]))
        grads = torch.autograd.grad(loss, [P[n] for n in names])
        out["losses"].append(loss.item())
        if t == 0:
            out["grads_step0"] = {n: g.detach().clone() for n, g in zip(names, grads)}
        lr = lr_at(c, t)
        with torch.no_grad():
            norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
            if not math.isfinite(norm):
                raise RuntimeError("non-finite gradient at step %d" % t)
            scale = min(1.0, c["clip"] / (norm + 1e-6)) if c["clip"] > 0 else 1.0
            out["lr"].append(lr)
            out["grad_norm"].append(norm)
            out["clip_scale"].append(scale)
            if opt is not None:
                for n, g in zip(names, grads):
                    P[n].grad = g.clone()
                torch.nn.utils.clip_grad_norm_([P[n] for n in names], c["clip"])
                for group in opt.param_groups:
                    group["lr"] = lr
                opt.step()
            else:
                b1, b2 = c["beta1"], c["beta2"]
                bc1, bc2 = 1 - b1 ** (t + 1), 1 - b2 ** (t + 1)
                for n, g in zip(names, grads):
                    g = g * scale
                    p = P[n]
                    if p.dim() >= 2:
                        p -= lr * c["wd"] * p
                    m[n] = b1 * m[n] + (1 - b1) * g
                    v[n] = b2 * v[n] + (1 - b2) * g * g
                    p -= lr / bc1 * m[n] / (torch.sqrt(v[n]) / math.sqrt(bc2) + c["adam_eps"])
        if t == 0:
            out["params_step1"] = {n: P[n].detach().clone() for n in names}
    out["params_final"] = {n: P[n].detach().clone() for n in names}
    return out


def to_np(d):
    return {k: np.ascontiguousarray(v.numpy()) for k, v in d.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default="models/llama/tiny.textproto")
    ap.add_argument("--corpus", default="data/corpus/corpus.txt")
    ap.add_argument("--out", default="test/goldens/llama_tiny")
    a = ap.parse_args()
    c = read_spec(a.spec)
    params = init_params(c)
    count = sum(p.numel() for p in params.values())
    corpus = open(a.corpus, "rb").read()
    batches = make_batches(corpus, c["seed"], STEPS, c["batch"], c["seq"])
    run = train(c, params, batches)

    # Self-check: the same steps through torch.optim.AdamW and clip_grad_norm_.
    ref = train(c, params, batches, use_torch_optim=True)
    dl = max(abs(x - y) / abs(y) for x, y in zip(run["losses"], ref["losses"]))
    dp = max(float((run["params_final"][n] - ref["params_final"][n]).abs().max()) for n in params)
    assert dl < 1e-12 and dp < 1e-12, (dl, dp)

    os.makedirs(a.out, exist_ok=True)
    save_file(to_np(params), os.path.join(a.out, "init.safetensors"))
    offsets, tokens, targets = batches
    save_file({"tokens": tokens, "targets": targets, "offsets": offsets},
              os.path.join(a.out, "batches.safetensors"))
    np.save(os.path.join(a.out, "losses.npy"), np.array(run["losses"], dtype=np.float64))
    save_file(to_np(run["grads_step0"]), os.path.join(a.out, "grads_step0.safetensors"))
    save_file(to_np(run["params_step1"]), os.path.join(a.out, "params_step1.safetensors"))
    save_file({"lr": np.array(run["lr"]), "grad_norm": np.array(run["grad_norm"]),
               "clip_scale": np.array(run["clip_scale"]),
               "lr_schedule": np.array([lr_at(c, t) for t in range(c["total"])])},
              os.path.join(a.out, "steps.safetensors"))
    print("parameters: %d; corpus %d bytes" % (count, len(corpus)))
    print("torch.optim.AdamW agrees: loss rel %.2e, params abs %.2e" % (dl, dp))
    for t, (l, g) in enumerate(zip(run["losses"], run["grad_norm"])):
        print("step %2d  loss %.15f  grad_norm %.6f  lr %.6g" % (t, l, g, run["lr"][t]))


if __name__ == "__main__":
    main()
