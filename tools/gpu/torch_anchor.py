#!/usr/bin/env python3
"""The PyTorch side of the GPU check (check.sh runs it where torch has CUDA).

Times, on the same GPU and in the same run as loom-gpu-check, what the bench cases of
tools/gpu/bench compute, with the shapes written there:
  attention  causal SDPA, B 4, S 1024, 16 query heads over 4 kv heads, head dim 64, f32
             (the best backend PyTorch picks for f32: its memory-efficient kernel);
  rms_norm   8192 x 2048 f32 with weight (torch.nn.functional.rms_norm, else written out);
  matmul     4096 x 4096 x 4096 f32, TF32 off (as loom's cuBLASLt call: CUBLAS_COMPUTE_32F);
  linear     x [8, 512, 1024] . W[4096, 1024]^T + b, f32, TF32 off;
and a device-to-device copy of each one's bytes (half read, half written, as loom-gpu-check's
anchor). Median of 20 runs between CUDA events, after 3 warm-ups. Prints one table.
"""
import torch

REPS = 20


def time_us(fn):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(REPS):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) * 1000.0)
    times.sort()
    return times[len(times) // 2]


def copy_us(nbytes):
    n = max(1, nbytes // 2 // 4)
    src = torch.zeros(n, device="cuda")
    dst = torch.empty_like(src)
    return time_us(lambda: dst.copy_(src))


def main():
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda"
    rows = []

    b, s, hq, hkv, d = 4, 1024, 16, 4, 64
    q = torch.randn(b, hq, s, d, device=dev)
    k = torch.randn(b, hkv, s, d, device=dev)
    v = torch.randn(b, hkv, s, d, device=dev)
    try:
        attn = lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        attn()
    except TypeError:  # torch < 2.5: repeat the kv heads
        k2, v2 = k.repeat_interleave(hq // hkv, 1), v.repeat_interleave(hq // hkv, 1)
        attn = lambda: torch.nn.functional.scaled_dot_product_attention(q, k2, v2, is_causal=True)
    attn_bytes = 4 * (q.numel() + k.numel() + v.numel() + q.numel() + b * hq * s)
    attn_flops = 2.0 * b * hq * s * s * (2 * d)  # all pairs, as loom-gpu-check counts them
    rows.append(("SDPA causal f32", time_us(attn), attn_bytes, attn_flops))

    x = torch.randn(8192, 2048, device=dev)
    w = torch.randn(2048, device=dev)
    if hasattr(torch.nn.functional, "rms_norm"):
        norm = lambda: torch.nn.functional.rms_norm(x, (2048,), w, 1e-5)
    else:
        norm = lambda: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w
    rows.append(("rms_norm f32", time_us(norm), 4 * (2 * x.numel() + w.numel() + 8192), 0.0))

    a = torch.randn(4096, 4096, device=dev)
    bm = torch.randn(4096, 4096, device=dev)
    rows.append(("matmul f32 (no TF32)", time_us(lambda: a @ bm), 4 * 3 * 4096 * 4096, 2.0 * 4096 ** 3))

    xl = torch.randn(8, 512, 1024, device=dev)
    wl = torch.randn(4096, 1024, device=dev)
    bl = torch.randn(4096, device=dev)
    rows.append(("linear + bias f32", time_us(lambda: torch.nn.functional.linear(xl, wl, bl)),
                 4 * (xl.numel() + wl.numel() + bl.numel() + 8 * 512 * 4096), 2.0 * 4096 * 4096 * 1024))

    print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}")
    print(f"{'what':<24} {'us':>10} {'copy us':>10} {'GB/s':>9} {'vs copy':>8} {'TFLOP/s':>9}")
    for name, us, nbytes, flops in rows:
        c = copy_us(nbytes)
        tf = f"{flops / (us * 1e6):.2f}" if flops else "-"
        print(f"{name:<24} {us:10.2f} {c:10.2f} {nbytes / (us * 1e3):9.1f} {us / c:7.2f}x {tf:>9}")


if __name__ == "__main__":
    main()
