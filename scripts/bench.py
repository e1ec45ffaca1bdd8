"""Benchmark: the whole ingest flow against bare spaCy ``nlp.pipe`` on the same texts, in the same run.

Usage: ``python scripts/bench.py [--articles N] [--keep]`` (``make bench``). Builds N articles derived from the
sample (varied so no two are equal) in a temporary folder, then measures:

1. the fixed start-up: importing Prefect and the flow, loading the model, and a flow run over an empty folder
   (which starts Prefect's temporary server);
2. the full flow over the N articles (read, parse, NER, validate, stage, commit);
3. bare spaCy: the same model with the same components, ``nlp.pipe`` over the same section texts the flow
   tags (headline, caption, body), same batch size, one process, as the flow uses.

Prints articles per second for both, their ratio, the start-up on its own line, and the cost per stage.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flows.cli import LOGGING_CONFIG  # noqa: E402
from flows.config import Settings, quiet_prefect_environment  # noqa: E402

NAMES = ["Amira Haddad", "Tomas Berg", "Lucia Ferraz", "Kenji Mori", "Nadia Osei", "Pavel Novak", "Sara Lind"]
PLACES = ["Basra", "Mosul", "Erbil", "Kirkuk", "Najaf", "Karbala", "Samarra", "Ramadi"]


def build_corpus(sample: str, count: int, folder: Path) -> None:
    """Write ``count`` distinct pages derived from the sample: names, places, numbers and order varied."""
    header, _, rest = sample.partition("\n\nThe Iraqi")
    paragraphs = ("The Iraqi" + rest).strip().split("\n\n")
    rng = random.Random(7)
    for number in range(count):
        body = paragraphs[:]
        rng.shuffle(body)
        text = "\n\n".join([header, *body])
        text = text.replace("Fuad Hussein", rng.choice(NAMES)).replace("Baghdad", rng.choice(PLACES))
        text = re.sub(r"\b3,000\b", f"{rng.randint(1, 9)},{rng.randint(100, 999)}", text)
        text += f"\n\nOfficials in {rng.choice(PLACES)} said on day {number} that talks would continue next week.\n"
        (folder / f"article-{number:06d}.txt").write_text(text, encoding="utf-8")


def section_texts(raw: Path) -> list[str]:
    """The texts the flow tags, parsed the same way the flow parses them."""
    from flows.core.article import to_article
    from flows.core.ids import sha256_hex
    from flows.core.models import Article, RawDocument, SourceFile

    texts: list[str] = []
    for path in sorted(raw.iterdir()):
        data = path.read_bytes()
        article = to_article(RawDocument(SourceFile(path.name, len(data), 0), data, sha256_hex(data)))
        if isinstance(article, Article):
            texts.extend(article.section_texts().values())
    return texts


def time_bare_spacy(texts: list[str], model: str, batch_size: int) -> float:
    """Seconds for bare ``nlp.pipe`` over the texts with the flow's model and components."""
    import spacy

    from flows.core.nlp import load_pipeline

    components = [
        name for name in load_pipeline(model).pipe_names if name in spacy.load(model).component_names
    ]
    nlp = spacy.load(model)
    for name in nlp.component_names:
        if name not in components:
            nlp.remove_pipe(name)
        elif name in nlp.disabled:
            nlp.enable_pipe(name)
    list(nlp.pipe(texts[:50], batch_size=batch_size))  # warm up, as the flow's model is warm
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    elapsed = time.perf_counter() - started
    assert len(docs) == len(texts)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for name, value in quiet_prefect_environment(LOGGING_CONFIG).items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    settings = Settings.from_env()
    work = Path(tempfile.mkdtemp(prefix="newsmill-bench-"))
    raw, empty, output = work / "raw", work / "empty", work / "output"
    for folder in (raw, empty):
        folder.mkdir()
    build_corpus((REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8"), args.articles, raw)

    started = time.perf_counter()
    from flows.core.nlp import load_pipeline
    from flows.ingest import ingest

    imported = time.perf_counter()
    load_pipeline(settings.model_name)
    loaded = time.perf_counter()
    ingest(raw_dir=str(empty), output_dir=str(work / "output-empty"))
    startup_done = time.perf_counter()

    summary = ingest(raw_dir=str(raw), output_dir=str(output))
    flow_seconds = time.perf_counter() - startup_done
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    texts = section_texts(raw)
    bare_seconds = time_bare_spacy(texts, settings.model_name, settings.nlp_batch_size)

    flow_rate, bare_rate = args.articles / flow_seconds, args.articles / bare_seconds
    print(
        f"articles                 {args.articles} ({summary.articles_written} written, {len(texts)} section texts)"
    )
    print(
        f"fixed start-up           {startup_done - started:.1f} s (imports {imported - started:.1f} s, "
        f"model load {loaded - imported:.1f} s, Prefect server and first flow run {startup_done - loaded:.1f} s)"
    )
    print(f"newsmill flow            {flow_rate:.1f} articles/s ({flow_seconds:.1f} s)")
    print(
        f"bare spaCy nlp.pipe      {bare_rate:.1f} articles/s ({bare_seconds:.1f} s, same model, components, 1 process)"
    )
    print(f"ratio flow / bare spaCy  {flow_rate / bare_rate:.2f}")
    print(f"peak RSS                 {peak_mb:.0f} MB")
    if args.keep:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
