"""Prints the PTX held by the gpu.binary ops of MLIR text read from stdin.

gpu-module-to-binary{format=isa} stores PTX as an MLIR string attribute, in
which MLIR escapes quotes, backslashes and non-printable bytes as \\XX (hex).
"""
import re
import sys

text = sys.stdin.read()
found = re.findall(r'assembly = "((?:[^"\\]|\\.)*)"', text)
if not found:
    sys.exit("extract_ptx.py: no gpu.binary with an assembly object in the input")
for body in found:
    sys.stdout.write(re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), body))
