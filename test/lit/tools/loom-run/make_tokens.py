"""Writes the same [4, 64] int64 token batch as .npy and as safetensors
(tensor "tokens"), without numpy."""
import json
import struct
import sys

tokens = [(i * 7 + 11) % 256 + 4 for i in range(4 * 64)]
body = struct.pack(f"<{len(tokens)}q", *tokens)

header = "{'descr': '<i8', 'fortran_order': False, 'shape': (4, 64), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body)

meta = json.dumps({"tokens": {"dtype": "I64", "shape": [4, 64], "data_offsets": [0, len(body)]}})
meta += " " * (-len(meta) % 8)
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<Q", len(meta)) + meta.encode() + body)
