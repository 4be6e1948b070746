#!/usr/bin/env python3
"""Fails if the runtime includes, links or is compiled against MLIR or LLVM (DESIGN.md §3).

The runtime must build and run on a machine without MLIR. Four checks, each of which names
every offending place:
  sources   runtime/ sources that #include an mlir/, llvm/, mlir-c/ or llvm-c/ header, and
            runtime/ CMake files that mention an MLIR or LLVM target or variable;
  binaries  runtime executables and shared libraries with a DT_NEEDED entry or a RUNPATH that
            names MLIR or LLVM (readelf -d), and runtime objects and archives that leave an
            MLIR or LLVM symbol undefined (nm -u);
  flags     compile_commands.json entries of runtime/ sources with an include directory that
            holds mlir/ or llvm/ headers, or with LLVM's definitions (-D__STDC_*_MACROS);
  self-test (--self-test) builds a small tree that breaks each rule and checks that each check
            catches it, and a clean tree that passes, so the checks above cannot pass vacuously.
Python 3 standard library only.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

SOURCE_SUFFIXES = (".h", ".hh", ".hpp", ".c", ".cc", ".cpp", ".cxx", ".inc", ".def", ".cu")
INCLUDE_RE = re.compile(r'^\s*#\s*(?:include|import|include_next)\s*[<"]((?:mlir|llvm)(?:-c)?/[^>"]*)[>"]')
# CMake names from MLIR/LLVM: targets (MLIRIR, LLVMSupport), variables (MLIR_INCLUDE_DIRS),
# functions (add_mlir_library, llvm_map_components_to_libnames).
CMAKE_RE = re.compile(r"\b(MLIR\w*|LLVM\w*|\w*_mlir_\w*|\w*_llvm_\w*|mlir_\w+|llvm_\w+)\b")
LIB_RE = re.compile(r"^lib(mlir|llvm)", re.IGNORECASE)
RPATH_RE = re.compile(r"(^|/)(llvm|mlir)(-[\d.]+)?(/|$)", re.IGNORECASE)
# Itanium-mangled names inside namespace llvm or mlir, and the C APIs (mlirFoo, LLVMFoo).
SYMBOL_RE = re.compile(r"(?<![0-9])4(llvm|mlir)[0-9]|^(mlir|LLVM)[A-Z]\w*$")
HEADER_DIRS = ("mlir", "llvm", "mlir-c", "llvm-c")
LLVM_DEFINES = ("__STDC_CONSTANT_MACROS", "__STDC_FORMAT_MACROS", "__STDC_LIMIT_MACROS")
INCLUDE_FLAGS = ("-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros",
                 "--include-directory=")


def check_sources(source_dir):
    problems = []
    runtime = os.path.join(source_dir, "runtime")
    for root, _, files in os.walk(runtime):
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, source_dir)
            if name.endswith(SOURCE_SUFFIXES):
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE_RE.match(line)
                        if m:
                            problems.append("%s:%d: includes <%s>" % (rel, number, m.group(1)))
            elif name == "CMakeLists.txt" or name.endswith(".cmake"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        code = line.split("#", 1)[0]  # CMake comments say why, e.g. "never MLIR"
                        for m in CMAKE_RE.finditer(code):
                            problems.append("%s:%d: mentions %s" % (rel, number, m.group(1)))
    return problems


def elf_type(path):
    """'exec'/'dyn' for linked ELF files, 'rel' for objects, 'ar' for archives, else None."""
    try:
        with open(path, "rb") as f:
            head = f.read(18)
    except OSError:
        return None
    if head.startswith(b"!<arch>\n"):
        return "ar"
    if not head.startswith(b"\x7fELF") or len(head) < 18:
        return None
    e_type = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
    return {1: "rel", 2: "exec", 3: "dyn"}.get(e_type)


def run(tool, *args):
    result = subprocess.run([tool, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("%s %s failed: %s" % (tool, " ".join(args), result.stderr.strip()))
    return result.stdout


def check_binaries(build_dir, readelf, nm):
    problems, linked = [], 0
    runtime = os.path.join(build_dir, "runtime")
    for root, _, files in os.walk(runtime):
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, build_dir)
            kind = elf_type(path)
            if kind in ("exec", "dyn"):
                linked += 1
                for line in run(readelf, "-d", path).splitlines():
                    m = re.search(r"\((NEEDED|RPATH|RUNPATH)\).*\[(.*)\]", line)
                    if not m:
                        continue
                    if m.group(1) == "NEEDED" and LIB_RE.match(m.group(2)):
                        problems.append("%s: DT_NEEDED %s" % (rel, m.group(2)))
                    elif m.group(1) != "NEEDED":
                        for entry in m.group(2).split(":"):
                            if RPATH_RE.search(entry):
                                problems.append("%s: %s %s" % (rel, m.group(1), entry))
            elif kind in ("rel", "ar"):
                for line in run(nm, "-u", path).splitlines():
                    symbol = line.split()[-1] if line.split() else ""
                    if SYMBOL_RE.search(symbol):
                        problems.append("%s: undefined symbol %s" % (rel, symbol))
    if linked == 0:
        problems.append("no runtime executable or shared library under %s: build the runtime "
                        "before running this check" % runtime)
    return problems


def include_args(args):
    """(flag, value) for each include-path or forced-include argument."""
    out, i = [], 0
    while i < len(args):
        arg = args[i]
        for flag in INCLUDE_FLAGS:
            if arg == flag and i + 1 < len(args):
                out.append((flag, args[i + 1]))
                i += 1
                break
            if arg.startswith(flag) and len(arg) > len(flag):
                out.append((flag, arg[len(flag):]))
                break
        i += 1
    return out


def bad_include_dir(path, project_dirs):
    if any(os.path.isdir(os.path.join(path, d)) for d in HEADER_DIRS):
        return True
    # Only the part outside the project is judged by name, so a checkout under ~/llvm/ is fine.
    for root in project_dirs:
        if path == root or path.startswith(root + os.sep):
            path = path[len(root):]
            break
    return bool(RPATH_RE.search(path))


def forced_include_pulls_mlir(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return any(INCLUDE_RE.match(line) for line in f)
    except OSError:
        return False


def check_flags(compile_commands, source_dir, build_dir):
    if not os.path.exists(compile_commands):
        return ["%s does not exist (CMAKE_EXPORT_COMPILE_COMMANDS must be ON)" % compile_commands]
    with open(compile_commands) as f:
        entries = json.load(f)
    runtime = os.path.join(os.path.realpath(source_dir), "runtime") + os.sep
    project_dirs = [os.path.realpath(source_dir), os.path.realpath(build_dir)]
    problems, checked = [], 0
    for entry in entries:
        directory = entry.get("directory", build_dir)
        source = os.path.realpath(os.path.join(directory, entry["file"]))
        if not source.startswith(runtime):
            continue
        checked += 1
        rel = os.path.relpath(source, source_dir)
        args = entry.get("arguments") or shlex.split(entry.get("command", ""))
        for flag, value in include_args(args):
            path = os.path.realpath(os.path.join(directory, value))
            if flag in ("-include", "-imacros"):
                # A forced include (a precompiled header's cmake_pch.hxx) is judged by content.
                if forced_include_pulls_mlir(path):
                    problems.append("%s: compiled with %s %s, which includes MLIR/LLVM headers"
                                    % (rel, flag, value))
            elif bad_include_dir(path, project_dirs):
                problems.append("%s: compiled with %s %s" % (rel, flag, value))
        for arg in args:
            if arg.startswith("-D") and arg[2:].split("=")[0] in LLVM_DEFINES:
                problems.append("%s: compiled with LLVM's definition %s" % (rel, arg))
    if checked == 0:
        problems.append("%s lists no runtime/ source" % compile_commands)
    return problems


def run_checks(source_dir, build_dir, compile_commands, readelf, nm):
    return {
        "sources": check_sources(source_dir),
        "binaries": check_binaries(build_dir, readelf, nm),
        "flags": check_flags(compile_commands, source_dir, build_dir),
    }


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_tree(top, cc, dirty):
    """A source and build tree; `dirty` makes it break every rule once."""
    src, build = os.path.join(top, "src"), os.path.join(top, "build")
    include = '#include "mlir/IR/Builders.h"\n' if dirty else '#include "runtime/base/status.h"\n'
    write(os.path.join(src, "runtime", "a.cpp"), include + "int main() { return 0; }\n")
    write(os.path.join(src, "runtime", "CMakeLists.txt"),
          "# never MLIR or LLVM\n" + ("target_link_libraries(a MLIRIR)\n" if dirty else ""))
    headers = os.path.join(top, "headers")
    os.makedirs(os.path.join(headers, "mlir" if dirty else "other"))
    out = os.path.join(build, "runtime")
    os.makedirs(out)
    write(os.path.join(top, "lib.c"), "int mlirContextCreate(void) { return 1; }\n")
    write(os.path.join(top, "main.c"),
          "int mlirContextCreate(void);\nint main(void) { return mlirContextCreate(); }\n")
    write(os.path.join(top, "plain.c"), "int main(void) { return 0; }\n")
    libdir = os.path.join(top, "llvm-22", "lib")
    os.makedirs(libdir)
    subprocess.run([cc, "-shared", "-fPIC", "-o", os.path.join(libdir, "libLLVM-22.so"),
                    os.path.join(top, "lib.c")], check=True)
    if dirty:
        subprocess.run([cc, "-o", os.path.join(out, "prog"), os.path.join(top, "main.c"),
                        "-L" + libdir, "-lLLVM-22", "-Wl,-rpath," + libdir], check=True)
        subprocess.run([cc, "-c", "-o", os.path.join(out, "main.o"), os.path.join(top, "main.c")],
                       check=True)
    else:
        subprocess.run([cc, "-o", os.path.join(out, "prog"), os.path.join(top, "plain.c")],
                       check=True)
    pch = os.path.join(build, "cmake_pch.hxx")
    write(pch, "#include <mlir/IR/Builders.h>\n" if dirty else "#include <vector>\n")
    flags = "-I%s -isystem %s -include %s" % (src, headers, pch)
    if dirty:
        flags += " -D__STDC_CONSTANT_MACROS"
    write(os.path.join(build, "compile_commands.json"), json.dumps([
        {"directory": build, "file": os.path.join(src, "runtime", "a.cpp"),
         "command": "c++ %s -c %s" % (flags, os.path.join(src, "runtime", "a.cpp"))}]))
    return src, build


def self_test(cc, readelf, nm):
    failures = []
    with tempfile.TemporaryDirectory() as top:
        for dirty in (False, True):
            sub = os.path.join(top, "dirty" if dirty else "clean")
            src, build = make_tree(sub, cc, dirty)
            found = run_checks(src, build, os.path.join(build, "compile_commands.json"),
                               readelf, nm)
            expected = {  # what each check must report in the dirty tree
                "sources": ["includes <mlir/IR/Builders.h>", "mentions MLIRIR"],
                "binaries": ["DT_NEEDED libLLVM-22.so", "RUNPATH", "RPATH",
                             "undefined symbol mlirContextCreate"],
                "flags": ["compiled with -isystem", "LLVM's definition -D__STDC_CONSTANT_MACROS",
                          "which includes MLIR/LLVM headers"],
            }
            for check, problems in found.items():
                text = "\n".join(problems)
                if not dirty and problems:
                    failures.append("clean tree: %s check reported:\n%s" % (check, text))
                if dirty:
                    misses = [e for e in expected[check] if e not in text]
                    # RPATH and RUNPATH are alternatives: the linker writes one of them.
                    if "RPATH" in misses and "RUNPATH" not in misses or \
                            "RUNPATH" in misses and "RPATH" not in misses:
                        misses = [m for m in misses if m not in ("RPATH", "RUNPATH")]
                    if misses:
                        failures.append("dirty tree: %s check missed %s; it reported:\n%s"
                                        % (check, misses, text))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", help="the repository root")
    parser.add_argument("--build-dir", help="the build directory of the runtime")
    parser.add_argument("--compile-commands", help="default: <build-dir>/compile_commands.json")
    parser.add_argument("--readelf", default="readelf")
    parser.add_argument("--nm", default="nm")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--cc", default="cc", help="C compiler for --self-test")
    args = parser.parse_args()

    if args.self_test:
        failures = self_test(args.cc, args.readelf, args.nm)
        for failure in failures:
            print("FAIL:", failure)
        print("self-test: %s" % ("FAILED" if failures else "every check catches its violation"))
        return 1 if failures else 0

    if not args.source_dir or not args.build_dir:
        parser.error("--source-dir and --build-dir are required")
    compile_commands = args.compile_commands or os.path.join(args.build_dir,
                                                             "compile_commands.json")
    results = run_checks(args.source_dir, args.build_dir, compile_commands, args.readelf, args.nm)
    failed = False
    for check, problems in results.items():
        print("%-8s %s" % (check, "ok" if not problems else "%d problem(s)" % len(problems)))
        for problem in problems:
            print("  " + problem)
        failed = failed or bool(problems)
    if failed:
        print("The runtime must not include, link or be compiled against MLIR or LLVM "
              "(DESIGN.md §3).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
