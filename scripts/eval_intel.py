"""Entity intelligence on outside gold (``../shared/corpus/intel``): one report per module of ``intel_eval``.

Run from the repository root (``make eval-intel``)::

    .venv/bin/python scripts/eval_intel.py [--corpus ../shared/corpus] [--only NAME ...]

Every public module in the package ``scripts/intel_eval`` has ``report(corpus: pathlib.Path) -> str``; this runner
imports each one (in name order) and prints what it returns. A module scores one task on the sets the corpus
README describes, with the conventions it gives, beside a simple baseline.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import intel_eval  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


def module_names() -> list[str]:
    """The evaluation modules of the package, in name order (``_shared`` and other private modules left out)."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(intel_eval.__path__)
        if not info.ispkg and not info.name.startswith("_")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the evaluation corpus folder")
    parser.add_argument("--only", nargs="*", default=None, help="module names to run (default: all)")
    args = parser.parse_args(argv)
    if not (args.corpus / "intel").is_dir():
        print(
            f"no intel/ folder under {args.corpus}: point --corpus at the evaluation corpus", file=sys.stderr
        )
        return 2
    for name in module_names():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        module = importlib.import_module(f"intel_eval.{name}")
        print(module.report(args.corpus))
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
