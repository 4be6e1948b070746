"""Compares two .npy files of float32/float64/int64 without numpy (lit runs
on the system Python): exits 1 unless shapes match and
max|a - b| <= rtol * max|b|. Prints the figures."""
import ast
import struct
import sys


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not an .npy file")
    major = data[6]
    if major == 1:
        (hlen,) = struct.unpack("<H", data[8:10])
        start = 10
    else:
        (hlen,) = struct.unpack("<I", data[8:12])
        start = 12
    header = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    if header.get("fortran_order"):
        sys.exit(f"{path}: fortran order is not supported")
    fmt = {"<f4": "f", "<f8": "d", "<i8": "q"}.get(header["descr"])
    if fmt is None:
        sys.exit(f"{path}: dtype {header['descr']} is not supported")
    count = 1
    for d in header["shape"]:
        count *= d
    body = data[start + hlen:]
    return header["shape"], struct.unpack(f"<{count}{fmt}", body[:count * struct.calcsize(fmt)])


def main():
    a_path, b_path, rtol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    (sa, a), (sb, b) = load(a_path), load(b_path)
    if sa != sb:
        sys.exit(f"shapes differ: {sa} vs {sb}")
    delta = max(abs(x - y) for x, y in zip(a, b))
    scale = max(abs(y) for y in b)
    ok = delta <= rtol * scale
    print(f"{'CLOSE' if ok else 'DIFFERENT'}: max|delta| = {delta:.3g}, max|b| = {scale:.3g}, "
          f"bound {rtol:g} * max|b|")
    sys.exit(0 if ok else 1)


main()
