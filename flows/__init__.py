"""newsmill: raw news-article text in, validated and versioned tables out (Prefect flows over a functional core).

Importing the package chooses the C library's ``malloc`` for Arrow's C++ default memory pool, unless the
environment already names one (``ARROW_DEFAULT_MEMORY_POOL``). Arrow reads that variable once, when pyarrow is
first imported, so it is set here, before any of newsmill's modules imports pyarrow. pyarrow's Parquet reader and
writer take their buffers from that pool whatever ``pyarrow.set_memory_pool`` says, and its bundled mimalloc
keeps what they freed: writing a 10,000-article run's article rows left the process 69 MB larger after the
write, 12 MB with ``malloc`` (docs/performance.md).

It also decides whether the compiled build of the core's busiest modules is used (:mod:`flows.compiled`): only
when it matches every source it was built from.
"""

import os

from flows.compiled import use_matching_build

os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
use_matching_build()
