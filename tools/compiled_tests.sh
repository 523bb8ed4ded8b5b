#!/bin/sh
# The compiled kernel's tests (the second half of the README's test command).
#
# Builds Chronoflow once as a regular wheel with CHRONOFLOW_COMPILE=1 (mypyc
# compiles the hot runtime modules: tools/compile_hook.py) into a virtual
# environment of its own, .venv-compiled, and runs against it the runtime
# tests, the samples, and the tests that compare recordings and replays of
# the two builds. CHRONOFLOW_EXPECT_COMPILED=1 makes tests/build fail if
# the modules imported are not the compiled ones.
#
# Why --import-mode=append: pytest's default puts the checkout first on
# sys.path, where the pure-Python chronoflow/ would shadow the installed,
# compiled one; appended, the checkout still provides tests/ and tools/.
set -eu
cd "$(dirname "$0")/.."
python3 -m venv .venv-compiled
# pip builds and reinstalls a project folder every time (deps only when missing).
CHRONOFLOW_COMPILE=1 .venv-compiled/bin/pip install -q '.[test]'
CHRONOFLOW_EXPECT_COMPILED=1 .venv-compiled/bin/pytest --import-mode=append -p no:cacheprovider \
    tests/build tests/runtime tests/test_samples.py tests/recording/test_regenerate.py "$@"
