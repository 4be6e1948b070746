#!/usr/bin/env python3
"""Regenerates the committed .npy and .safetensors test files of runtime/io.

The files anchor the C++ readers and writers outside the project: valid files are written by
numpy and by the `safetensors` package (its Rust serializer), and every invalid file under
bad/ is checked here against numpy's / the safetensors crate's own reader, so that each entry
below says truthfully whether the reference refuses it too (reference_rejects=False marks a
place where Loom is deliberately stricter). The C++ tests read only the committed files and
never need Python.

  pip install numpy safetensors && python3 runtime/io/testdata/make_testdata.py

The values of the valid files follow the formulas in runtime/io/golden_values.cpp; change
both together.
"""
import io
import os
import shutil
import struct
import sys

import numpy as np
import safetensors
from safetensors import TensorSpec, deserialize, serialize

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- values (mirrored by golden_values.cpp) ---------------------------------------------------

def golden_arrays():
    """name -> numpy array, for every dtype numpy has."""
    f16_bits = np.array([0xBC00, 0xB800, 0x0000, 0x3800, 0x7BFF], dtype=np.uint16)
    return {
        "f64": ((np.arange(6) - 2) * 0.25).astype(np.float64).reshape(2, 3),
        "f32": ((np.arange(6) - 2) * 0.25).astype(np.float32).reshape(2, 3),
        "f32_specials": np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45, 3.4028235e38],
                                 dtype=np.float32),
        "f16": f16_bits.view(np.float16),
        "i64": (np.arange(3, dtype=np.int64) - 2) * 1000000000007,
        "i64_scalar": np.array((1 << 40) + 3, dtype=np.int64),
        "i32": ((np.arange(8, dtype=np.int32) - 3) * 100000).reshape(2, 4),
        "i32_empty": np.zeros((0, 3), dtype=np.int32),
        "i8": np.array([-128, -1, 0, 1, 127, 5], dtype=np.int8).reshape(3, 1, 2),
        "bool": np.arange(5) % 3 == 0,
    }


BF16_BITS = np.array([0x3F80, 0xC000, 0x3F00, 0x4049], dtype=np.uint16)  # 1, -2, 0.5, 3.140625


def spec(dtype, array):
    array = np.array(array, order="C", copy=True)  # ascontiguousarray makes 0-d arrays 1-d
    return TensorSpec(dtype=dtype, shape=list(array.shape), data_ptr=array.ctypes.data,
                      data_len=array.nbytes), array


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ---- valid files ------------------------------------------------------------------------------

def write_valid_npy():
    arrays = golden_arrays()
    for name, array in arrays.items():
        np.save(os.path.join(HERE, name + ".npy"), array)
    for version in [(2, 0), (3, 0)]:
        buf = io.BytesIO()
        np.lib.format.write_array(buf, arrays["f32"], version=version)
        write(os.path.join(HERE, "f32_v%d.npy" % version[0]), buf.getvalue())


def all_dtypes_specs():
    arrays = golden_arrays()
    keep = []
    specs = {}
    for name, dtype, array in [
        ("f64", "float64", arrays["f64"]), ("f32", "float32", arrays["f32"]),
        ("bf16", "bfloat16", BF16_BITS.reshape(2, 2)), ("f16", "float16", arrays["f16"]),
        ("i64", "int64", arrays["i64"]), ("i32", "int32", arrays["i32"]),
        ("i8", "int8", arrays["i8"]), ("bool", "bool", arrays["bool"]),
        ("scalar", "float32", np.array(7.5, dtype=np.float32)),
        ("empty", "int32", arrays["i32_empty"]),
    ]:
        specs[name], held = spec(dtype, array)
        keep.append(held)
    return specs, keep


def write_valid_safetensors():
    specs, keep = all_dtypes_specs()
    write(os.path.join(HERE, "all_dtypes.safetensors"),
          bytes(serialize(specs, metadata={"format": "loom-test"})))
    single, held = spec("float32", golden_arrays()["f32"])
    write(os.path.join(HERE, "single.safetensors"), bytes(serialize({"f32": single})))
    write(os.path.join(HERE, "no_tensors.safetensors"), bytes(serialize({})))
    del keep, held


# ---- invalid files ----------------------------------------------------------------------------

def npy_bytes(array, version=(1, 0)):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=version)
    return buf.getvalue()


def npy_with_dict(text, data, version=1):
    """An npy file with a hand-written header dict (numpy's padding rules)."""
    header = text.encode("latin1")
    fmt = "<H" if version == 1 else "<I"
    prefix = 6 + 2 + struct.calcsize(fmt)
    pad = (64 - (prefix + len(header) + 1) % 64) % 64
    header += b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(fmt, len(header)) + header + data


def bad_npy():
    """name -> (bytes, numpy refuses it too)."""
    good = npy_bytes(golden_arrays()["f32"])
    f4 = np.zeros(6, np.float32).tobytes()
    d = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }"
    return {
        "empty_file": (b"", True),
        "truncated_magic": (good[:4], True),
        "bad_magic": (b"\x93NUMPZ" + good[6:], True),
        "truncated_version": (good[:7], True),
        "bad_version": (good[:6] + b"\x04\x00" + good[8:], True),
        "truncated_header_length": (b"\x93NUMPY\x02\x00\x40\x00", True),
        "header_past_end": (good[:8] + struct.pack("<H", 4000) + good[10:], True),
        "header_too_large": (b"\x93NUMPY\x02\x00" + struct.pack("<I", 1 << 24) + good[12:], True),
        "dict_not_a_dict": (npy_with_dict("['descr', '<f4']", f4), True),
        "dict_unknown_key": (npy_with_dict(d[:-1] % "(6,)" + "'extra': 1, }", f4), True),
        "dict_duplicate_key": (npy_with_dict(d[:-1] % "(6,)" + "'shape': (6,), }", f4), False),
        "dict_missing_key": (npy_with_dict("{'descr': '<f4', 'shape': (6,), }", f4), True),
        "dict_missing_colon": (npy_with_dict("{'descr' '<f4', 'fortran_order': False, "
                                             "'shape': (6,), }", f4), True),
        "dict_unterminated_string": (npy_with_dict("{'descr': '<f4", f4), True),
        "dict_escape_in_string": (npy_with_dict(d.replace("<f4", "\\x3cf4") % "(6,)", f4), False),
        "dict_bad_bool": (npy_with_dict(d.replace("False", "0") % "(6,)", f4), True),
        "dict_shape_list": (npy_with_dict(d % "[6]", f4), True),
        "dict_shape_int_in_parens": (npy_with_dict(d % "(6)", f4), True),
        "dict_shape_negative": (npy_with_dict(d % "(-6,)", f4), True),
        "dict_shape_leading_zero": (npy_with_dict(d % "(06,)", f4), True),
        "dict_shape_dim_too_big": (npy_with_dict(d % "(99999999999999999999,)", f4), True),
        "dict_shape_rank_65": (npy_with_dict(d % ("(" + "1, " * 65 + ")"), f4[:4]), True),
        "dict_trailing_text": (npy_with_dict(d % "(6,)" + " x", f4), True),
        "descr_unknown": (npy_bytes(np.zeros(6, np.uint16)), False),
        "descr_structured": (npy_bytes(np.zeros(2, [("a", "<f4")])), False),
        "descr_bfloat16_void": (npy_with_dict(d.replace("<f4", "<V2") % "(3,)", f4[:6]), False),
        "descr_big_endian": (npy_bytes(np.zeros(6, ">f4")), False),
        "fortran_order": (npy_bytes(np.asfortranarray(np.zeros((2, 3), np.float32))), False),
        "shape_overflow": (npy_with_dict(d % "(4611686018427387904, 4)", f4), True),
        "data_too_short": (good[:-1], True),
        "data_too_long": (good + b"\0", False),
        "bool_not_0_or_1": (npy_bytes(np.array([True, False]))[:-2] + b"\x02\x00", False),
    }


def st(header, data=b"", size=None):
    h = header.encode("utf-8") if isinstance(header, str) else header
    return struct.pack("<Q", len(h) if size is None else size) + h + data


def entry(name="a", dtype="F32", shape="[1]", offsets="[0,4]", extra=""):
    return '"%s":{"dtype":"%s","shape":%s,"data_offsets":%s%s}' % (name, dtype, shape, offsets,
                                                                      extra)


def bad_safetensors():
    """name -> (bytes, the safetensors crate refuses it too)."""
    z4 = b"\0" * 4
    one = "{" + entry() + "}"
    return {
        "too_small": (b"\x02\0\0\0\0\0", True),
        "header_too_large": (st(b"{}", size=100_000_001), True),
        "header_past_end": (st(one, z4, size=1000), True),
        "header_not_object_start": (st(" " + one, z4), False),
        "invalid_json": (st('{"a":{"dtype":"F32",}}', z4), True),
        "invalid_utf8": (st(b'{"\xff":' + entry("x").split(":", 1)[1].encode() + b"}", z4), True),
        "duplicate_tensor": (st("{" + entry() + "," + entry() + "}", z4), False),
        "duplicate_field": (st('{"a":{"dtype":"F32","dtype":"F32","shape":[1],'
                               '"data_offsets":[0,4]}}', z4), True),
        "too_deep": (st('{"a":{"dtype":"F32","shape":' + "[" * 20 + "1" + "]" * 20 +
                        ',"data_offsets":[0,4]}}', z4), True),
        "metadata_not_object": (st('{"__metadata__":"x",' + entry() + "}", z4), True),
        "metadata_value_not_string": (st('{"__metadata__":{"k":1},' + entry() + "}", z4), True),
        "entry_not_object": (st('{"a":[1,2]}'), True),
        "entry_missing_field": (st('{"a":{"dtype":"F32","shape":[1]}}', z4), True),
        "entry_unknown_field": (st("{" + entry(extra=',"x":1') + "}", z4), False),
        "dtype_not_string": (st("{" + entry(dtype="F32").replace('"F32"', "7") + "}", z4), True),
        "dtype_unknown": (st("{" + entry(dtype="Q8") + "}", z4), True),
        "dtype_unsupported": (st("{" + entry(dtype="U8", offsets="[0,1]") + "}", b"\0"), False),
        "shape_not_array": (st("{" + entry(shape="1") + "}", z4), True),
        "shape_negative": (st("{" + entry(shape="[-1]") + "}", z4), True),
        "shape_float": (st("{" + entry(shape="[1.0]") + "}", z4), True),
        "offsets_wrong_length": (st("{" + entry(offsets="[0]") + "}", z4), True),
        "offsets_negative": (st("{" + entry(offsets="[-4,0]") + "}", z4), True),
        "shape_overflow": (st("{" + entry(shape="[4611686018427387904,8]") + "}", z4), True),
        "offsets_reversed": (st("{" + entry(offsets="[4,0]") + "}", z4), True),
        "size_mismatch": (st("{" + entry(shape="[2]") + "}", z4), True),
        "gap": (st("{" + entry(offsets="[4,8]") + "}", z4 * 2), True),
        "overlap": (st("{" + entry() + "," + entry("b") + "}", z4 * 2), True),
        "data_too_long": (st(one, z4 + b"\0"), True),
        "data_too_short": (st(one, z4[:3]), True),
        "bool_not_0_or_1": (st("{" + entry(dtype="BOOL", offsets="[0,1]") + "}", b"\x02"), False),
    }


def numpy_rejects(data):
    try:
        np.load(io.BytesIO(data), allow_pickle=False)
        return False
    except Exception:  # numpy raises ValueError, EOFError, SyntaxError, ...
        return True


def crate_rejects(data):
    try:
        deserialize(data)
        return False
    except Exception:  # SafetensorError
        return True


def write_bad(kind, cases, reference_rejects):
    folder = os.path.join(HERE, "bad")
    wrong = []
    for name, (data, rejects) in sorted(cases.items()):
        if reference_rejects(data) != rejects:
            wrong.append("%s.%s: reference %s it" % (name, kind,
                                                     "refuses" if not rejects else "accepts"))
        write(os.path.join(folder, name + "." + kind), data)
    return wrong


def main():
    print("numpy", np.__version__, "safetensors", safetensors.__version__)
    for entry_name in os.listdir(HERE):
        path = os.path.join(HERE, entry_name)
        if entry_name.endswith((".npy", ".safetensors")):
            os.remove(path)
    shutil.rmtree(os.path.join(HERE, "bad"), ignore_errors=True)
    write_valid_npy()
    write_valid_safetensors()
    wrong = write_bad("npy", bad_npy(), numpy_rejects)
    wrong += write_bad("safetensors", bad_safetensors(), crate_rejects)
    if wrong:
        sys.exit("annotations disagree with the reference readers:\n  " + "\n  ".join(wrong))


if __name__ == "__main__":
    main()
