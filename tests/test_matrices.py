"""spaCy's matrix products: numpy's BLAS where blis has no kernel for the CPU, the same entities either way."""

from __future__ import annotations

import ctypes
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from thinc.api import NumpyOps

from flows.core.nlp.matrices import BLIS_PORTABLE_KERNEL, blis_kernel, numpy_multiplies_faster
from tests.conftest import REAL_MODEL, SAMPLE

REPO = Path(__file__).resolve().parent.parent


class OtherOps(NumpyOps):
    """Ops a plug-in brings (thinc-apple-ops' AppleOps is a NumpyOps too)."""


@pytest.mark.parametrize(
    ("kernel", "ops", "numpy_chosen"),
    [
        (BLIS_PORTABLE_KERNEL, NumpyOps(), True),  # blis does not know the CPU: its reference C code
        ("haswell", NumpyOps(), False),  # blis has assembly kernels for it
        ("zen2", NumpyOps(), False),
        (None, NumpyOps(), False),  # blis could not be asked: thinc's default stays
        (BLIS_PORTABLE_KERNEL, NumpyOps(use_blis=False), False),  # already numpy's
        (BLIS_PORTABLE_KERNEL, OtherOps(), False),  # a plug-in's ops are left alone
    ],
)
def test_matrices_numpy_multiplies_only_where_blis_would_run_its_portable_code(
    kernel: str | None, ops: NumpyOps, numpy_chosen: bool
) -> None:
    assert numpy_multiplies_faster(kernel, ops) is numpy_chosen


def test_matrices_blis_names_a_kernel_it_carries() -> None:
    kernel = blis_kernel()
    assert kernel is not None
    spec = importlib.util.find_spec("blis.cy")
    assert spec is not None
    assert spec.origin is not None
    assert hasattr(ctypes.CDLL(spec.origin), f"bli_cntx_init_{kernel}")  # its set-up function for that CPU


_LOAD_BOTH_WAYS = """
import json, sys
import spacy
from threadpoolctl import threadpool_info
from flows.core.nlp.matrices import blis_kernel
from flows.core.nlp.pipeline import load_pipeline
texts = json.loads(sys.stdin.read())
chosen = load_pipeline(sys.argv[1])
blas_threads = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
ops = chosen.get_pipe("ner").model.ops
stock = spacy.load(sys.argv[1])  # thinc's default ops, as spaCy loads a pipeline on its own
def found(nlp):
    docs = nlp.pipe(texts)
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]
print(json.dumps({
    "kernel": blis_kernel(), "ops": type(ops).__name__, "use_blis": ops.use_blis, "blas_threads": blas_threads,
    "stock_use_blis": stock.get_pipe("ner").model.ops.use_blis, "chosen": found(chosen), "stock": found(stock),
}))
"""


@pytest.mark.e2e
def test_matrices_the_pipeline_finds_the_same_entities_as_spacy_on_its_own() -> None:
    """In a fresh process (the library is chosen once per process): the real model loaded by newsmill and by
    spaCy itself, over the sample article and its paragraphs."""
    sample = SAMPLE.read_text(encoding="utf-8")
    texts = [sample, *(part for part in sample.split("\n\n") if part.strip())]
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_BOTH_WAYS, REAL_MODEL],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=REPO,
    )
    seen = json.loads(done.stdout)
    assert seen["stock_use_blis"] is True
    if seen["kernel"] == BLIS_PORTABLE_KERNEL:  # numpy's BLAS, on one thread
        assert (seen["ops"], seen["use_blis"]) == ("NumpyOps", False)
        assert seen["blas_threads"]
        assert set(seen["blas_threads"]) == {1}
    else:  # blis's own kernel for this CPU
        assert seen["use_blis"] is True
    assert sum(map(len, seen["stock"])) > 10
    assert seen["chosen"] == seen["stock"]
