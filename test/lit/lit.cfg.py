# lit configuration of Loom's IR tests.
import os
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "LOOM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.loom_obj_root, "test", "lit")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

llvm_config.use_default_substitutions()
# FileCheck, not and count live in LLVM 22's bin dir, which is not on PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["loom-opt", "loomc", "loom-interp", "loom-train-ref"], [config.loom_tools_dir])
config.substitutions.append(("%loom_src", config.loom_src_root))
config.substitutions.append(("%loom_run", config.loom_run))
config.substitutions.append(("%python", sys.executable))
# A bundle's manifest.pb as text (protoc ships with the protobuf the build
# needs): `%manifest_text < DIR/manifest.pb`.
config.substitutions.append(
    ("%manifest_text",
     "{} --decode=loom.bundle.Manifest --proto_path={} {}".format(
         config.protoc, os.path.join(config.loom_src_root, "runtime", "schemas"),
         os.path.join(config.loom_src_root, "runtime", "schemas", "bundle.proto"))))

# PTX tests need ptxas. On a user's machine without the CUDA toolkit they are
# skipped with a loud notice; under CI=true (CI machines have the toolkit) a
# missing ptxas is an error, so that no PTX test silently stops running.
ptxas = getattr(config, "ptxas", "")
if ptxas and os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
elif os.environ.get("CI") == "true":
    lit_config.fatal("ptxas not found but CI=true: the PTX tests must run in CI "
                     "(install the CUDA toolkit or set LOOM_PTXAS)")
else:
    lit_config.warning("*** ptxas NOT FOUND: every test that needs ptxas is SKIPPED. "
                       "Install the CUDA toolkit to run them. ***")
