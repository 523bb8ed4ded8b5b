"""The opt-in compiled kernel: a hatch build hook that compiles the hot runtime modules with mypyc.

It does nothing unless ``CHRONOFLOW_COMPILE=1`` is set: ``pip install .``
and ``pip install -e .`` build the pure-Python package exactly as without
it. With the variable set, a regular (not editable) wheel build —
``CHRONOFLOW_COMPILE=1 pip install .`` or ``pip wheel .`` — asks for mypy
and setuptools in its build environment (:meth:`CompileHook.dependencies`),
copies ``chronoflow/`` into a scratch folder, compiles :data:`COMPILED` there
with mypyc, and adds the extension modules to the wheel beside the ``.py``
sources, which stay the fallback (an extension module is imported before
the ``.py`` of the same name). The wheel is then tagged for this Python and
platform. An editable build with the variable set is refused: its modules
are the source tree's files, which must stay pure.

Why compile in a copy: mypyc builds extension modules next to the sources
it is given, and a compiled module in the checkout would be imported by
every environment installed from it in editable mode.

``tools/compiled_tests.sh`` builds this wheel into ``.venv-compiled`` and
runs the runtime tests against it; ``tests/build/`` checks both builds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: The environment variable that turns the compiled build on.
OPT_IN = "CHRONOFLOW_COMPILE"

#: The modules compiled, relative to the project root: the run loop and every
#: part the hop of a message goes through (see docs/performance.md,
#: "Compiled kernel"). Every other module stays interpreted.
COMPILED = (
    "chronoflow/runtime/bus.py",
    "chronoflow/runtime/kernel.py",
    "chronoflow/runtime/mailroom.py",
    "chronoflow/runtime/process.py",
    "chronoflow/runtime/runloop.py",
    "chronoflow/runtime/runqueue.py",
)

#: What the build environment needs besides hatchling, when compiling.
BUILD_REQUIRES = ("mypy>=1.11", "setuptools>=65")

#: mypy's settings for the compiled modules: the project's strictness, and
#: silence about modules that are not compiled (and about third-party
#: packages the build environment lacks: the compiled modules import none).
MYPY_INI = """\
[mypy]
strict = True
python_version = {version}
ignore_missing_imports = True
follow_imports = silent
"""

#: The setup script run in the scratch folder: mypyc's documented way to build.
SETUP_PY = """\
import sys

from mypyc.build import mypycify
from setuptools import setup

setup(
    name="chronoflow-compiled-kernel",
    ext_modules=mypycify(sys.argv[1:], opt_level="3", debug_level="0"),
    script_args=["build_ext", "--inplace", "--parallel", "2"],
)
"""


def requested(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for the compiled kernel (``CHRONOFLOW_COMPILE=1``)."""
    return environ.get(OPT_IN, "").strip().lower() not in ("", "0", "false", "no")


def extension_path(module: str) -> str:
    """Where the compiled ``module`` (a path under the root, ending in ``.py``) goes."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return module.removesuffix(".py") + str(suffix)


def compile_kernel(root: Path, scratch: Path) -> dict[str, str]:
    """Compile :data:`COMPILED` from a copy of ``root``'s package in ``scratch``.

    Returns the files to add to the wheel: each built extension's absolute
    path and its path in the wheel (one per compiled module, plus the shared
    library mypyc puts their code in, at the top level).
    """
    source = scratch / "src"
    shutil.copytree(
        root / "chronoflow",
        source / "chronoflow",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.c"),
    )
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    (source / "mypy.ini").write_text(MYPY_INI.format(version=version))
    (source / "setup.py").write_text(SETUP_PY)
    done = subprocess.run(
        [sys.executable, "setup.py", *COMPILED],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"mypyc could not compile the kernel ({OPT_IN}=1):\n{done.stdout}\n{done.stderr}"
        )
    built = {str(source / extension_path(module)): extension_path(module) for module in COMPILED}
    for shared in source.glob(f"*__mypyc{sysconfig.get_config_var('EXT_SUFFIX')}"):
        built[str(shared)] = shared.name
    missing = [path for path in built if not Path(path).is_file()]
    if missing:
        raise RuntimeError(f"mypyc did not build {', '.join(missing)}:\n{done.stdout}")
    return built


class CompileHook(BuildHookInterface):  # type: ignore[type-arg]
    """The wheel target's build hook: compiles the kernel when :data:`OPT_IN` asks."""

    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        """mypy and setuptools in the build environment, only when compiling."""
        return list(BUILD_REQUIRES) if requested() else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile and add the extension modules to the wheel (when asked)."""
        if not requested():
            return
        if version == "editable":
            raise RuntimeError(
                f"{OPT_IN}=1 builds a regular wheel: install with 'pip install .' "
                "(not -e), into an environment of its own (see tools/compiled_tests.sh)"
            )
        self._scratch = Path(tempfile.mkdtemp(prefix="chronoflow-mypyc-"))
        build_data["force_include"].update(compile_kernel(Path(self.root), self._scratch))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch folder once the wheel holds what was built there."""
        scratch: Path | None = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
