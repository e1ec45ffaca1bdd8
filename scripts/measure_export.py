"""Measure what keeping the plain-Parquet export current costs, against writing it whole, as the tables grow.

Each step commits 1,000 new articles (hand-written paragraphs, shuffled) to a fresh output, as a run does,
then times ``export_parquet`` on top of the previous export (rows added only) and a full export beside it.
Run: ``python scripts/measure_export.py [STEPS]`` (default 10 steps: 10,000 articles).
"""

from __future__ import annotations

import hashlib
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flows import storage, tasks  # noqa: E402
from flows.config import Settings  # noqa: E402
from flows.core.models import Article, RawDocument, SourceFile  # noqa: E402
from flows.core.page.article import to_article  # noqa: E402
from flows.core.tables.rows import RunInfo, articles_frame  # noqa: E402

SENTENCE = (
    "the harbour board voted on tuesday to dredge the northern channel before autumn storms arrive pilots "
    "had warned for two winters that loaded ships were touching the bottom at low tide the work will take "
    "six weeks and close the channel to boats at weekends fishermen said they welcomed the decision"
)
WORDS = SENTENCE.split(" ")
PER_STEP = 1000


def page(rng: random.Random, number: int) -> bytes:
    paragraphs = [" ".join(rng.choices(WORDS, k=40)).capitalize() + "." for _ in range(8)]
    text = f"Harbour story number {number} makes the news\n\nMay 4, 2022\n\n" + "\n\n".join(paragraphs) + "\n"
    return text.encode("utf-8")


def articles(rng: random.Random, first: int) -> list[Article]:
    made = []
    for number in range(first, first + PER_STEP):
        data = page(rng, number)
        raw = RawDocument(SourceFile(f"{number}.txt", len(data), 0), data, hashlib.sha256(data).hexdigest())
        article = to_article(raw)
        assert isinstance(article, Article)
        made.append(article)
    return made


def main(steps: int) -> None:
    rng = random.Random(7)
    root = Path(tempfile.mkdtemp(prefix="measure-export-"))
    output, kept, full = root / "output", root / "kept", root / "full"
    settings = Settings(output_dir=output)
    print(
        "| articles in table | keep current: s | its articles rows written + article_status rows | full export: s |"
    )
    print("| --- | --- | --- | --- |")
    for step in range(steps):
        run = RunInfo(f"run-{step}", datetime.now(UTC), "measure", "m", "1", "1", "measure")
        staging = storage.staging_dir(output, run.run_id)
        storage.stage_batch(staging, 1, {"articles": articles_frame(articles(rng, step * PER_STEP), run, {})})
        tasks.commit.fn(settings, run)
        start = time.perf_counter()
        update = storage.export_parquet(output, kept, "measure", tables=["articles"])
        kept_s = time.perf_counter() - start
        start = time.perf_counter()
        whole = storage.export_parquet(output, full, "measure", tables=["articles"], full=True)
        full_s = time.perf_counter() - start
        status_rows = update.manifest.tables["article_status"].rows
        print(
            f"| {(step + 1) * PER_STEP:,} | {kept_s:.2f} | {update.rows_written - status_rows:,} + "
            f"{status_rows:,} ({update.plans['articles'].value}) | {full_s:.2f} |"
        )
        assert whole.rows_written == 2 * (step + 1) * PER_STEP


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
