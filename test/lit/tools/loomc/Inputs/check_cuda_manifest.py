"""Checks a cuda bundle's manifest (as text: `protoc --decode`, lit's
%manifest_text) against the bundle's other files, and prints one line per
property that holds; exits non-zero naming the first that does not.

usage: check_cuda_manifest.py MANIFEST.txt BUNDLE_DIR

- every kernel's block is [512, 1, 1] (CudaKernelCompiler's block size);
- every launch's grid is the grid kernels_cuda.json records for its kernel
  (the grid the kernel was tiled and compiled for);
- every launch passes as many buffers as its kernel takes, which are the
  PTX entry's parameters (buffer pointers; no scalars);
- every checksum is its file's SHA-256, and the three kernel files are
  listed.
"""
import hashlib
import json
import re
import sys


def fail(message):
    sys.exit("check_cuda_manifest.py: " + message)


def parse(text):
    """Protobuf text format into nested dicts of lists (field -> [values])."""
    stack = [{}]
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.endswith("{"):
            child = {}
            stack[-1].setdefault(line[:-1].strip(), []).append(child)
            stack.append(child)
        elif line == "}":
            stack.pop()
        else:
            key, value = line.split(":", 1)
            value = value.strip()
            value = value[1:-1] if value.startswith('"') else value
            stack[-1].setdefault(key.strip(), []).append(value)
    return stack[0]


def one(message, key, default=None):
    return message.get(key, [default])[0]


manifest = parse(open(sys.argv[1]).read())
bundle = sys.argv[2]
table = {k["name"]: k for k in json.load(open(bundle + "/kernels_cuda.json"))["kernels"]}
ptx = open(bundle + "/kernels.ptx").read()
params = {name: body.count(".param")
          for name, body in re.findall(r"\.visible \.entry (\w+)\(([^)]*)\)", ptx)}
kernels = manifest.get("kernels", [])
if not kernels:
    fail("no kernels")

for k in kernels:
    block = [int(b) for b in k.get("block", [])]
    if block != [512, 1, 1]:
        fail("kernel %s has block %s" % (one(k, "name"), block))
print("every kernel has block [512, 1, 1]")

launches = [c["launch"][0] for e in manifest.get("entry_points", [])
            for c in e.get("plan", []) if "launch" in c]
for launch in launches:
    kernel = kernels[int(one(launch, "kernel", "0"))]
    name = one(kernel, "name")
    grid = [int(g) for g in launch.get("grid", [])]
    if grid != table[name]["grid"]:
        fail("a launch of %s has grid %s, kernels_cuda.json %s" % (name, grid, table[name]["grid"]))
print("every launch's grid is its kernel's grid in kernels_cuda.json")

for launch in launches:
    kernel = kernels[int(one(launch, "kernel", "0"))]
    name, buffers = one(kernel, "name"), int(one(kernel, "num_buffer_args", "0"))
    scalars = int(one(kernel, "num_scalar_args", "0"))
    if len(launch.get("args", [])) != buffers or scalars != 0 or params.get(name) != buffers:
        fail("%s: launch args %d, kernel buffers %d and scalars %d, PTX params %s"
             % (name, len(launch.get("args", [])), buffers, scalars, params.get(name)))
print("every launch passes its kernel's buffers: the PTX entry's parameters")

listed = {}
for c in manifest.get("checksums", []):
    path = one(c, "path")
    digest = hashlib.sha256(open(bundle + "/" + path, "rb").read()).hexdigest()
    if digest != one(c, "sha256_hex"):
        fail("the checksum of %s is not its SHA-256" % path)
    listed[path] = True
for path in (one(manifest, "kernel_library"), one(manifest, "cuda_ptx"),
             one(manifest, "host_kernel_library")):
    if path not in listed:
        fail("%s is not in the checksums" % path)
print("the checksums are the files' SHA-256")
