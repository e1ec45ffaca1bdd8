"""Which library spaCy's models multiply matrices with: blis, thinc's default, or numpy's BLAS where blis has no
kernel for this CPU.

thinc multiplies with blis, which picks its assembly kernels by the CPU it finds (``haswell``, ``zen2``,
``skx``...). A CPU it does not know (this machine's AMD EPYC, CPU family 25, is one) gets its portable C code, the
``generic`` sub-configuration, and there spaCy's NER spends about a third of its time in blis's reference
matrix product. numpy's OpenBLAS picks its kernel at run time for the same CPU: the same entities and sentence
starts on every corpus text, for about a fifth less CPU (docs/performance.md, "spaCy's matrices multiplied by
numpy's BLAS").

Where blis has a kernel for the CPU, or thinc runs on other ops (a GPU, Apple's), nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib.util
from collections.abc import Iterator

from thinc.api import NumpyOps, get_current_ops, use_ops
from threadpoolctl import threadpool_limits

BLIS_PORTABLE_KERNEL = "generic"  # blis's name for its reference C code, the CPU unrecognised


@functools.cache
def blis_kernel() -> str | None:
    """The sub-configuration blis chose for this CPU ("haswell", "zen2", "generic"...), from the C library
    thinc's blis package carries; None when it cannot be asked."""
    spec = importlib.util.find_spec("blis.cy")
    if spec is None or spec.origin is None:
        return None
    try:
        library = ctypes.CDLL(spec.origin)
        query_id, name_of = library.bli_arch_query_id, library.bli_arch_string
    except (OSError, AttributeError):
        return None
    query_id.restype, query_id.argtypes = ctypes.c_int, []
    name_of.restype, name_of.argtypes = ctypes.c_char_p, [ctypes.c_int]
    name = name_of(query_id())
    return name.decode("ascii") if isinstance(name, bytes) else None


def numpy_multiplies_faster(kernel: str | None, ops: object) -> bool:
    """True when thinc's default CPU ops would multiply with blis's portable code (``kernel`` is the one blis
    chose): numpy's BLAS is then the faster library. Other ops (a GPU's, Apple's) are left as they are."""
    default_cpu_ops = type(ops) is NumpyOps and getattr(ops, "use_blis", False)
    return default_cpu_ops and kernel == BLIS_PORTABLE_KERNEL


@contextlib.contextmanager
def fastest_matrix_ops() -> Iterator[None]:
    """Models built inside this block multiply with numpy's BLAS where blis has no kernel for this CPU.

    numpy's BLAS then runs on one thread in this process: newsmill's parallelism is its processes, one per core,
    and OpenBLAS's own threads, one per core in each, spin while they wait (over half again the CPU per text,
    in a single process).
    """
    if not numpy_multiplies_faster(blis_kernel(), get_current_ops()):
        yield
        return
    threadpool_limits(limits=1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        yield
