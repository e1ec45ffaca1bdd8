"""Compile the pure core's busiest modules with mypyc (``make compile``; ``make run``, ``test`` and ``bench`` run it).

Usage: ``python scripts/compile.py [--clean]``

The modules of :data:`flows.compiled.COMPILED_MODULES` are copied with the rest of ``flows`` and ``schemas``
(mypyc reads the types of what they import) into a temporary folder and compiled there, as one group; each
extension is then put beside its source, the group's shared library at the top of the repository, and
``flows/.compiled.json`` records one SHA-256 over the sources as they were compiled. An edit made since is seen
when ``flows`` is imported: the build is then left unused (:func:`flows.compiled.use_matching_build`).

A machine without a C compiler gets no build and runs everything as Python: the script says so and exits 0.
``--clean`` removes a build.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flows.compiled import COMPILED_MODULES, MANIFEST, inputs_digest, source_path  # noqa: E402

SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")  # e.g. .cpython-311-x86_64-linux-gnu.so
# mypyc's configuration: the types it compiles by (the repository's mypy settings are for checking).
MYPY_INI = "[mypy]\npython_version = {version}\nignore_missing_imports = True\n"


def remove_build() -> None:
    """Delete the extensions, the group's shared library and the manifest of an earlier build."""
    MANIFEST.unlink(missing_ok=True)
    # every extension under flows/, not only those of the modules listed now: one left from a longer list
    # would be imported, and would look for a shared library that is gone
    # (any Python's: ``make clean`` runs this with the system's python3, whose suffix may differ)
    for extension in [*(REPO / "flows").rglob("*.so"), *REPO.glob("*__mypyc*.so")]:
        extension.unlink()


def compile_modules() -> bool:
    """Build the extensions; True when every module was compiled and put in place."""
    with tempfile.TemporaryDirectory(prefix="newsmill-mypyc-") as scratch:
        work = Path(scratch)
        for package in ("flows", "schemas"):
            shutil.copytree(
                REPO / package, work / package, ignore=shutil.ignore_patterns("__pycache__", "*.so")
            )
        digest = inputs_digest(work)  # of the copies compiled: an edit made meanwhile leaves the build unused
        (work / "mypy.ini").write_text(
            MYPY_INI.format(version=f"{sys.version_info.major}.{sys.version_info.minor}")
        )
        sources = [str(source_path(module, Path())) for module in COMPILED_MODULES]
        done = subprocess.run(
            [sys.executable, "-m", "mypyc", *sources], cwd=work, capture_output=True, text=True, check=False
        )
        built = [source_path(module, work).with_suffix(SUFFIX) for module in COMPILED_MODULES]
        shared = list(work.glob(f"*__mypyc{SUFFIX}"))
        if done.returncode != 0 or not all(path.exists() for path in built) or len(shared) != 1:
            print(
                f"mypyc failed (exit {done.returncode}); newsmill runs as Python. Its last lines:",
                file=sys.stderr,
            )
            print("\n".join((done.stdout + done.stderr).strip().splitlines()[-15:]), file=sys.stderr)
            return False
        for module, extension in zip(COMPILED_MODULES, built, strict=True):
            shutil.copy2(extension, source_path(module).with_suffix(SUFFIX))
        shutil.copy2(shared[0], REPO / shared[0].name)
    MANIFEST.write_text(
        json.dumps(
            {"python": sys.implementation.cache_tag, "modules": list(COMPILED_MODULES), "inputs": digest}
        )
        + "\n",
        encoding="utf-8",
    )
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove a build and compile nothing")
    args = parser.parse_args()
    remove_build()
    if args.clean:
        return
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        print(
            "no C compiler found: newsmill runs as Python (make compile builds it faster where there is one)"
        )
        return
    started = time.perf_counter()
    if compile_modules():
        print(f"compiled {len(COMPILED_MODULES)} modules with mypyc in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
