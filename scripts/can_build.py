"""Whether this machine can build spaCy and thinc from their sources: a C++ compiler and Python's headers.

The Makefile runs it before any environment exists (``make`` then installs the source builds, without Cython's
profiling hooks, instead of the wheels) and prints "yes" or nothing; tests/test_hooks.py asks the same, so the
test of the installed build runs exactly where the setup built it.
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path


def can_build() -> bool:
    """A C++ compiler on the PATH (``c++`` or ``g++``) and ``Python.h`` among this interpreter's headers."""
    compiler = shutil.which("c++") or shutil.which("g++")
    return compiler is not None and (Path(sysconfig.get_paths()["include"]) / "Python.h").exists()


if __name__ == "__main__":
    print("yes" if can_build() else "")
