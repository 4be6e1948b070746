"""Counts the kernels of each entry point of a compiled module, one line per
entry in file order.

After the codegen phase (loomrt IR: `loomc --compile-to=codegen`), the plan's
commands: generated-kernel launches, GEMM library calls, attention routines,
copies and fills:
  @forward: 12 launches, 9 gemms, 2 attention, 0 copies, 1 fills
After the fusion phase (for a target whose executor is not built, e.g.
cuda), the public functions' kernel dispatches, contractions (library calls
or kernels) and attention calls:
  @forward: 12 dispatches, 9 contractions, 2 attention"""
import re
import sys

PLAN = [("launches", "loomrt.launch "), ("gemms", "loomrt.gemm "),
        ("attention", "loomrt.attention"), ("copies", "loomrt.copy "), ("fills", "loomrt.fill ")]
FUSED = [("dispatches", "loomrt.dispatch "), ("contractions", ("loom.linear ", "loom.matmul ")),
         ("attention", "loom.attention")]


def main():
    text = open(sys.argv[1]).read()
    planned = "loomrt.entry @" in text
    kinds = PLAN if planned else FUSED
    start = re.compile(r"\s*loomrt\.entry @(\w+)" if planned else r"\s*func\.func @(\w+)")
    entry, order, counts = None, [], {}
    for line in text.splitlines():
        if not planned and re.match(r"\s*module @kernels", line):
            break  # the kernels come after the functions and are no entry points
        m = start.match(line)
        if m:
            entry = m.group(1)
            order.append(entry)
            counts[entry] = {k: 0 for k, _ in kinds}
            continue
        if entry is None:
            continue
        for kind, tokens in kinds:
            tokens = tokens if isinstance(tokens, tuple) else (tokens,)
            if any(t in line for t in tokens):
                counts[entry][kind] += 1
    for e in order:
        c = counts[e]
        print(f"@{e}: " + ", ".join(f"{c[k]} {k}" for k, _ in kinds))


main()
