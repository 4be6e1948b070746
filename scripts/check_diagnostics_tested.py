#!/usr/bin/env python3
"""Fails when a diagnostic under dialects/ has no expected-error test.

MLIR's testing guide asks that every user-facing error message have a
diagnostic test. For every statement under dialects/ that emits an error
(emitOpError, emitError, emitOptionalError, inferFail), this script takes the
longest string literal of the statement (the part of the message that is not
interpolated) and looks for an `expected-error {{...}}` in test/ whose text
contains it. It prints each message without one and exits 1.

usage: check_diagnostics_tested.py [REPO_ROOT]
"""
import pathlib
import re
import sys

CALL = re.compile(r"\b(emitOpError|emitError|emitOptionalError|inferFail)\s*\(")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
EXPECTED = re.compile(r"expected-error\s*(?:@[^{]*)?\{\{(.*?)\}\}")


def statement_at(text: str, start: int) -> str:
    """The text from `start` to the end of its statement (a `;` outside parens/strings)."""
    depth, i, in_str = 0, start, False
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == ";" and depth <= 0:
            return text[start:i]
        i += 1
    return text[start:]


def messages(root: pathlib.Path):
    for path in sorted((root / "dialects").rglob("*.cpp")):
        text = path.read_text()
        for m in CALL.finditer(text):
            stmt = statement_at(text, m.start())
            literals = [s.strip() for s in LITERAL.findall(stmt)]
            literals = [s for s in literals if s and not s.startswith("'")]
            if not literals:
                continue
            line = text.count("\n", 0, m.start()) + 1
            yield f"{path.relative_to(root)}:{line}", max(literals, key=len)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    expected = []
    for path in (root / "test").rglob("*.mlir"):
        expected += EXPECTED.findall(path.read_text())
    found = list(messages(root))
    missing = [(where, msg) for where, msg in found
               if not any(msg.replace('\\"', '"') in e for e in expected)]
    for where, msg in missing:
        print(f"untested diagnostic: {where}: \"{msg}\"")
    print(f"{len(found) - len(missing)} of {len(found)} diagnostics under dialects/ "
          f"have an expected-error test")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
