#!/usr/bin/env python3
"""The tiny Llama's training throughput: loom-bench against PyTorch eager and torch.compile.

Compiles models/llama/tiny.textproto to a CPU bundle when the bundle is missing or older than
the spec or loomc, then runs `loom-bench train`, `bench/torch_tiny_train.py --mode eager` and
`--mode compile` interleaved for K rounds at each thread count (each round in a rotated order,
so drift hits every implementation alike), and prints the medians and the ratios loom/eager and
loom/compile of tokens/s (the median of the per-round ratios). Not a test: see bench/README.md.

    python3 bench/run_tiny_bench.py [--build-dir build] [--rounds 5] [--threads 1,2]
        [--steps 30] [--warmup 5] [--python /path/to/python-with-torch] [--json-out FILE]
        [--bundle DIR [--no-rebuild]]

Standard library only; PyTorch runs in the interpreter given by --python (default: this one).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IMPLS = ("loom", "torch-eager", "torch-compile")


def load():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "?"


def ensure_bundle(loomc, spec, bundle, rebuild):
    manifest = os.path.join(bundle, "manifest.pb")
    if not rebuild:
        if not os.path.exists(manifest):
            sys.exit("run_tiny_bench: --no-rebuild, but %s does not exist" % manifest)
        print("bundle: %s (as it is: --no-rebuild)" % bundle, flush=True)
        return
    inputs = [spec, loomc]
    if os.path.exists(manifest) and all(os.path.getmtime(manifest) >= os.path.getmtime(p)
                                        for p in inputs):
        print("bundle: %s (up to date)" % bundle, flush=True)
        return
    print("bundle: compiling %s -> %s" % (os.path.relpath(spec, ROOT), bundle), flush=True)
    start = time.monotonic()
    result = subprocess.run([loomc, spec, "--target=cpu", "-o", bundle],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit("run_tiny_bench: loomc failed (exit %d):\n%s" % (result.returncode, result.stderr))
    print("bundle: compiled in %.1f s" % (time.monotonic() - start), flush=True)


def run_one(cmd, impl, threads, timeout):
    """The JSON line a benchmark printed last, or a record with an "error"."""
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"impl": impl, "threads": threads, "error": "timed out after %d s" % timeout}
    lines = [l for l in result.stdout.splitlines() if l.startswith("{")]
    if result.returncode != 0 or not lines:
        tail = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"impl": impl, "threads": threads,
                "error": "exit %d: %s" % (result.returncode, tail[:300])}
    return json.loads(lines[-1])


def commands(a, threads):
    common = ["--steps", str(a.steps), "--warmup", str(a.warmup), "--threads", str(threads)]
    torch = [a.python, os.path.join(HERE, "torch_tiny_train.py"), "--spec", a.spec,
             "--corpus", a.corpus, "--attention", a.torch_attention,
             "--optimizer", a.torch_optimizer] + common
    return {
        "loom": [a.loom_bench, "train", a.bundle, "--corpus", a.corpus] + common,
        "torch-eager": torch + ["--mode", "eager"],
        "torch-compile": torch + ["--mode", "compile"],
    }


def fmt(x, spec=".0f"):
    return "-" if x is None else format(x, spec)


def median_or_none(values):
    return statistics.median(values) if values else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"),
                    help="where loomc and loom-bench are built (default: build/)")
    ap.add_argument("--loomc", help="default: BUILD/bin/loomc")
    ap.add_argument("--loom-bench", help="default: BUILD/tools/loom-bench/loom-bench")
    ap.add_argument("--bundle", help="default: BUILD/bench/llama-tiny.bundle")
    ap.add_argument("--no-rebuild", dest="rebuild", action="store_false",
                    help="run the bundle as it is, even when loomc or the spec is newer")
    ap.add_argument("--spec", default=os.path.join(ROOT, "models/llama/tiny.textproto"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "data/corpus/corpus.txt"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="2", help="comma-separated thread counts, e.g. 1,2")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--impls", default=",".join(IMPLS),
                    help="a subset of %s" % ",".join(IMPLS))
    ap.add_argument("--python", default=sys.executable, help="an interpreter with torch, numpy")
    ap.add_argument("--torch-attention", choices=["twin", "sdpa"], default="twin")
    ap.add_argument("--torch-optimizer", choices=["fused", "foreach", "forloop"], default="fused")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per benchmark process")
    ap.add_argument("--json-out", help="also write every run's record here")
    a = ap.parse_args()
    a.loomc = a.loomc or os.path.join(a.build_dir, "bin", "loomc")
    a.loom_bench = a.loom_bench or os.path.join(a.build_dir, "tools", "loom-bench", "loom-bench")
    a.bundle = a.bundle or os.path.join(a.build_dir, "bench", "llama-tiny.bundle")
    impls = [i for i in a.impls.split(",") if i]
    if not impls or any(i not in IMPLS for i in impls):
        ap.error("--impls takes a subset of %s" % ",".join(IMPLS))
    try:
        thread_counts = [int(t) for t in a.threads.split(",")]
    except ValueError:
        ap.error("--threads takes comma-separated integers")
    if a.rounds < 1 or a.steps < 1 or a.warmup < 1 or min(thread_counts) < 1:
        ap.error("--rounds, --steps, --warmup and --threads must be at least 1")
    for tool in ([a.loom_bench] + ([a.loomc] if a.rebuild else []) if "loom" in impls else []):
        if not os.access(tool, os.X_OK):
            sys.exit("run_tiny_bench: %s is not built (ninja -C BUILD loom-bench loomc, or "
                     "pass --build-dir/--loomc/--loom-bench)" % tool)

    if "loom" in impls:
        ensure_bundle(a.loomc, a.spec, a.bundle, a.rebuild)
    print("load average before: %s; %d rounds x threads %s; %d warmup + %d timed steps each"
          % (load(), a.rounds, a.threads, a.warmup, a.steps), flush=True)

    records = []
    for r in range(a.rounds):
        for threads in thread_counts:
            cmds = commands(a, threads)
            order = impls[r % len(impls):] + impls[:r % len(impls)]
            for impl in order:
                rec = run_one(cmds[impl], impl, threads, a.timeout)
                rec.update(round=r, threads=threads, impl=impl, load=load())
                records.append(rec)
                print("  round %d  threads %d  %-14s %s" % (
                    r, threads, impl, "error: " + rec["error"] if "error" in rec else
                    "%8.0f tok/s  %7.3f ms/step  loss %.4f -> %.4f" % (
                        rec["tokens_per_s"], rec["ms_per_step"], rec["first_loss"],
                        rec["final_loss"])), flush=True)
    print("load average after: %s" % load())

    print("\nmedians over %d rounds (tokens/s; ratio = median of per-round ratios):" % a.rounds)
    header = "%-8s %-14s %10s %10s %10s %10s %10s" % ("threads", "impl", "tok/s", "min", "max",
                                                     "ms/step", "loom/this")
    print(header)
    print("-" * len(header))
    summary = []
    for threads in thread_counts:
        by = {i: [x for x in records if x["impl"] == i and x["threads"] == threads
                  and "error" not in x] for i in impls}
        loom_by_round = {x["round"]: x["tokens_per_s"] for x in by.get("loom", [])}
        for impl in impls:
            runs = by[impl]
            tps = [x["tokens_per_s"] for x in runs]
            ratios = [loom_by_round[x["round"]] / x["tokens_per_s"] for x in runs
                      if x["round"] in loom_by_round]
            row = {"threads": threads, "impl": impl, "runs": len(runs),
                   "tokens_per_s": median_or_none(tps),
                   "ms_per_step": median_or_none([x["ms_per_step"] for x in runs]),
                   "loom_ratio": median_or_none(ratios) if impl != "loom" else None}
            summary.append(row)
            if not runs:
                errors = {x["error"] for x in records
                          if x["impl"] == impl and x["threads"] == threads}
                print("%-8d %-14s %s" % (threads, impl, "error: " + "; ".join(sorted(errors))))
                continue
            print("%-8d %-14s %10s %10s %10s %10s %10s" % (
                threads, impl, fmt(row["tokens_per_s"]), fmt(min(tps)), fmt(max(tps)),
                fmt(row["ms_per_step"], ".3f"),
                "-" if row["loom_ratio"] is None else "%.2fx" % row["loom_ratio"]))
        first = {i: by[i][0]["first_loss"] for i in impls if by[i]}
        if len(first) > 1 and max(first.values()) - min(first.values()) > 1e-4:
            print("warning: first-step losses differ (%s): the implementations do not see the "
                  "same weights and batches" % first)
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"records": records, "summary": summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
