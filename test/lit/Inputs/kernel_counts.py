"""Counts the kernels of each entry point of compiled modules (after the
codegen phase: loomrt IR, `loomc --target=T --compile-to=codegen`).

With one FILE, one line per entry in file order: the plan's generated-kernel
launches, GEMM library calls, attention routines, copies and fills:
  @forward: 12 launches, 9 gemms, 2 attention, 0 copies, 1 fills

With TARGET=FILE arguments (one module per target), a column per target,
side by side, of each entry's launches, gemms and attention calls (the
commands that run a kernel or a library routine) and their total:
  entry          cpu: launches gemms attention total | cuda: launches ...
  @forward       cpu: 13 15 2 = 30 | cuda: 13 15 2 = 30
usage: kernel_counts.py FILE | kernel_counts.py TARGET=FILE TARGET=FILE..."""
import re
import sys

PLAN = [("launches", "loomrt.launch "), ("gemms", "loomrt.gemm "),
        ("attention", "loomrt.attention"), ("copies", "loomrt.copy "), ("fills", "loomrt.fill ")]
COLUMNS = ("launches", "gemms", "attention")


def count(path):
    """(entries in order, {entry: {kind: n}}) of one module."""
    text = open(path).read()
    if "loomrt.entry @" not in text:
        sys.exit("kernel_counts.py: %s is not a codegen-phase module (no loomrt.entry)" % path)
    start = re.compile(r"\s*loomrt\.entry @(\w+)")
    entry, order, counts = None, [], {}
    for line in text.splitlines():
        m = start.match(line)
        if m:
            entry = m.group(1)
            order.append(entry)
            counts[entry] = {k: 0 for k, _ in PLAN}
            continue
        if entry is None:
            continue
        for kind, token in PLAN:
            if token in line:
                counts[entry][kind] += 1
    return order, counts


def columns(args):
    modules = []
    for target, path in (a.split("=", 1) for a in args):
        order, counts = count(path)
        modules.append((target, order, counts))
    print("entry          " + " | ".join(t + ": " + " ".join(COLUMNS) + " total"
                                          for t, _, _ in modules))
    for entry in modules[0][1]:
        cells = []
        for target, _, counts in modules:
            c = counts.get(entry)
            if c is None:
                cells.append(target + ": -")
                continue
            cells.append(target + ": " + " ".join(str(c[k]) for k in COLUMNS) +
                         " = " + str(sum(c[k] for k in COLUMNS)))
        print(("@" + entry).ljust(15) + " | ".join(cells))


def main():
    if any("=" in a for a in sys.argv[1:]):
        columns(sys.argv[1:])
        return
    order, counts = count(sys.argv[1])
    for e in order:
        c = counts[e]
        print(f"@{e}: " + ", ".join(f"{c[k]} {k}" for k, _ in PLAN))


main()
