#!/usr/bin/env python3
"""Builds data/corpus/corpus.txt, Loom's shipped public-domain English corpus.

Inputs (both fetched with the ordinary package clients, see data/corpus/SOURCE.md):
  --brotli-sdist  brotli-1.2.1.tar.gz  (PyPI sdist; tests/testdata/ holds three
                  Canterbury-corpus texts: alice29.txt, asyoulik.txt, plrabn12.txt)
  --devil-deb     dict-devil_1.0-13.1_all.deb  (Debian bookworm; usr/share/dictd/devil.dict.dz)

The output is deterministic: each work is cut to its text (see the cut rules
below), CRLF becomes LF, trailing whitespace is stripped from every line,
leading and trailing blank lines are dropped, and the works are joined in the
order below with three blank lines between them; the file ends with one
newline. Only the standard library is used.
"""
import argparse
import gzip
import hashlib
import io
import math
import os
import subprocess
import tarfile
import tempfile


def normalize(text):
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def cut(text, start, end=None):
    i = text.index(start)
    j = text.index(end, i) if end is not None else len(text)
    return text[i:j]


def read_member(tar, name):
    return tar.extractfile(tar.getmember(name)).read().decode("ascii")


def devil_text(deb):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["dpkg-deb", "-x", deb, d], check=True)
        with gzip.open(os.path.join(d, "usr/share/dictd/devil.dict.dz"), "rb") as f:
            raw = f.read().decode("ascii")
    # The dictfmt file is the original text in order, preceded by dictfmt's
    # database entries and followed by its alphabet entry. Keep the preface
    # and the entries; give the title and author in a plain header.
    body = cut(raw, "                              PREFACE", " abcdefghijklmnopqrstuvwxyz")
    return "THE DEVIL'S DICTIONARY\n\nby Ambrose Bierce\n\n\n" + normalize(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--brotli-sdist", required=True)
    ap.add_argument("--devil-deb", required=True)
    ap.add_argument("--out", default="data/corpus/corpus.txt")
    a = ap.parse_args()
    with tarfile.open(a.brotli_sdist) as tar:
        td = "brotli-1.2.1/tests/testdata/"
        alice = read_member(tar, td + "alice29.txt")
        asyou = read_member(tar, td + "asyoulik.txt")
        plost = read_member(tar, td + "plrabn12.txt")
    works = [
        normalize(alice),
        "AS YOU LIKE IT\n\nby William Shakespeare\n\n\n" + normalize(asyou),
        # Drop Project Gutenberg's 1992 introduction: keep the poem from its title.
        "PARADISE LOST\n\nby John Milton\n\n\n" + normalize(cut(plost, "\r\nBook I \r\n")),
        devil_text(a.devil_deb),
    ]
    data = ("\n\n\n\n".join(works) + "\n").encode("utf-8")
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "wb") as f:
        f.write(data)
    counts = [0] * 256
    for b in data:
        counts[b] += 1
    n = len(data)
    h = -sum(c / n * math.log(c / n) for c in counts if c)
    print(f"{a.out}: {n} bytes, sha256 {hashlib.sha256(data).hexdigest()}, "
          f"byte-unigram entropy {h:.6f} nats")


if __name__ == "__main__":
    main()
