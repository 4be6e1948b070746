"""Checks DIR/kernels_cuda.json against DIR/kernels.ptx (loomc --ptx) and prints
one line per property that holds; exits non-zero naming the first that does not.

- the header: version 1, the PTX file's name, the chip;
- the kernels, in order, are the PTX module's .entry functions, each with one
  .param per buffer;
- every block is [512, 1, 1], every grid has three entries >= 1, a grid of
  more than one workgroup has tile rows;
- every buffer's bytes are its shape times its dtype's size (i1: one byte).
"""
import json
import math
import re
import sys

SIZES = {"f64": 8, "f32": 4, "bf16": 2, "f16": 2, "i64": 8, "i32": 4, "i16": 2, "i8": 1, "i1": 1}


def fail(message):
    sys.exit("check_cuda_kernel_table.py: " + message)


bundle = sys.argv[1]
table = json.load(open(bundle + "/kernels_cuda.json"))
ptx = open(bundle + "/kernels.ptx").read()
if (table["version"], table["ptx"], table["chip"]) != (1, "kernels.ptx", "sm_90"):
    fail("unexpected header %r" % ({k: table[k] for k in ("version", "ptx", "chip")},))
print("kernels_cuda.json: version 1, ptx kernels.ptx, chip sm_90")

entries = re.findall(r"\.visible \.entry (\w+)\(([^)]*)\)", ptx)
names = [k["name"] for k in table["kernels"]]
if [name for name, _ in entries] != names:
    fail("the table's kernels %s are not the PTX entries %s" % (names, [n for n, _ in entries]))
for (name, params), kernel in zip(entries, table["kernels"]):
    if params.count(".param") != kernel["num_buffers"] or kernel["num_buffers"] != len(kernel["buffers"]):
        fail("%s: %d PTX params, %d buffers" % (name, params.count(".param"), kernel["num_buffers"]))
print("the table's kernels are the PTX entries, in order, one .param per buffer")

for kernel in table["kernels"]:
    if kernel["block"] != [512, 1, 1]:
        fail("%s: block %s" % (kernel["name"], kernel["block"]))
    if len(kernel["grid"]) != 3 or min(kernel["grid"]) < 1:
        fail("%s: grid %s" % (kernel["name"], kernel["grid"]))
    if math.prod(kernel["grid"]) > 1 and kernel["tile_rows"] < 1:
        fail("%s: a grid of %s without tile rows" % (kernel["name"], kernel["grid"]))
print("every block is [512, 1, 1]; every grid has 3 entries >= 1; tiled grids have tile rows")

for kernel in table["kernels"]:
    for i, buffer in enumerate(kernel["buffers"]):
        want = math.prod(buffer["shape"]) * SIZES[buffer["dtype"]]
        if buffer["bytes"] != want:
            fail("%s buffer %d: %d bytes, shape and dtype say %d" % (kernel["name"], i, buffer["bytes"], want))
    if not 0 <= kernel["num_inputs"] <= kernel["num_buffers"]:
        fail("%s: %d inputs of %d buffers" % (kernel["name"], kernel["num_inputs"], kernel["num_buffers"]))
print("every buffer's bytes are its shape times its dtype size")
print("strategies: " + ", ".join(sorted({k["strategy"] for k in table["kernels"]})))
print("tiled kernels (grid > 1): %d" % sum(math.prod(k["grid"]) > 1 for k in table["kernels"]))
