"""Measure field extraction against the evaluation corpus (headline, date, authors, body).

Run from the repository root::

    .venv/bin/python scripts/eval.py [--corpus ../shared/corpus/pages] [--worst 10] [--failures] [--pipeline]
        [--save before.json] [--compare before.json] [--folds 5] [--wire ../shared/corpus/conll-dev]

Two figures are printed per field and per source: in-sample (the parser as shipped, whose learned parts were
trained on every page) and leave-publisher-out cross-validated (pages grouped by the domain of their gold url
into folds; each fold is extracted with learned parts trained on the other folds only). A parser without learned
parts gives the same figure twice. The cross-validated figure is the one of record.

The corpus is read where it lies and never copied. Extraction is one swappable step that returns an
:class:`Extracted` record per page: by default :func:`extract_pages` calls the parser directly (fast); with
``--pipeline``, :func:`extract_with_pipeline` runs the real ``newsmill run`` into a temporary folder and reads
the ``articles`` and ``rejects`` Delta tables back, so the scores cover decoding, validation and rejects too.
Everything after extraction is pure scoring on records and gold.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "pages"
DEFAULT_WIRE = REPO_ROOT.parent / "shared" / "corpus" / "conll-dev"
SOURCES = ("sh", "tf", "hd", "np")
FOLDS = 5
SHINGLE_SIZE = 4
SIMILAR_HEADLINE = 0.9


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an extractor found on one page, reduced to the fields that are scored."""

    page_id: str
    headline: str | None
    published: date | None
    authors: tuple[str, ...]
    body: str | None
    agencies: tuple[str, ...] = ()  # organisations credited in the byline ("ET Online", "Reuters")
    date_basis: str | None = None  # "updated" when the page states only an update time (published_basis)


@dataclass(frozen=True, slots=True)
class Gold:
    """The gold for one page; a field that is not gold for its source is None."""

    page_id: str
    domain: str
    url: str = ""
    title: str | None = None
    published: date | None = None
    date_visible: bool = False
    authors: tuple[str, ...] | None = None
    body: str | None = None
    snippets_present: tuple[str, ...] = ()
    snippets_absent: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The source prefix of the page id (``sh``, ``tf``, ``hd``, ``np``)."""
        return self.page_id.split("-", 1)[0]


@dataclass(frozen=True, slots=True)
class PageScore:
    """The scores of one page; a score that has no gold for this page is None."""

    page_id: str
    source: str
    domain: str
    has_headline: bool
    has_body: bool
    headline_exact: bool | None = None
    headline_similar: bool | None = None
    date_correct: bool | None = None
    date_basis: str | None = None
    date_visible: bool = False
    author_prf: tuple[float, float, float] | None = None
    credit_prf: tuple[float, float, float] | None = None  # authors and agencies together vs gold authors
    body_tp_fp_fn: tuple[float, float, float] | None = None
    snippets_found: tuple[int, int] | None = None  # (found, total)
    boilerplate_out: tuple[int, int] | None = None  # (kept out, total)


@dataclass(slots=True)
class Summary:
    """Aggregated scores of a group of pages (one source prefix or all)."""

    name: str
    pages: int
    values: dict[str, str] = field(default_factory=dict)


# --- pure scoring ----------------------------------------------------------------------------------------

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_TOKEN = re.compile(r"\w+")


def normalise_headline(text: str) -> str:
    """Fold case, curly quotes, dashes and whitespace so equal headlines compare equal."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[‐-―]", "-", text)
    return " ".join(text.casefold().split())


def headline_scores(predicted: str | None, gold: str) -> tuple[bool, bool]:
    """Exact match after normalising, and difflib similarity of at least 0.9."""
    if not predicted:
        return False, False
    left, right = normalise_headline(predicted), normalise_headline(gold)
    return left == right, difflib.SequenceMatcher(None, left, right).ratio() >= SIMILAR_HEADLINE


def normalise_name(name: str) -> str:
    """A person's name folded for comparison: no accents, case, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w\s'-]", " ", plain).replace("'", "").split())


def split_names(names: Iterable[str]) -> set[str]:
    """Normalised names, splitting entries such as "A and B" or "A, B" into their people."""
    result: set[str] = set()
    for entry in names:
        for part in re.split(r"\s*(?:,|;|&|\band\b)\s*", entry):
            normalised = normalise_name(part)
            if normalised:
                result.add(normalised)
    return result


def precision_score(tp: float, fp: float, fn: float) -> float:
    """Precision as the benchmark scores it: 1 when nothing was expected or given, 0 when nothing matched."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    """Recall with the benchmark's conventions (see :func:`precision_score`)."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def author_scores(predicted: Iterable[str], gold: Iterable[str]) -> tuple[float, float, float]:
    """Set precision, recall and F1 of normalised author names."""
    pred, true = split_names(predicted), split_names(gold)
    tp, fp, fn = len(pred & true), len(pred - true), len(true - pred)
    precision, recall = precision_score(tp, fp, fn), recall_score(tp, fp, fn)
    return precision, recall, f1_score(precision, recall)


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Counts of word n-grams (``\\w+`` tokens), as the article-extraction benchmark tokenises."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens)


def shingle_tp_fp_fn(true: str, pred: str, size: int = SHINGLE_SIZE) -> tuple[float, float, float]:
    """True/false positive and false negative shingle counts, normalised to sum to 1 (benchmark style)."""
    true_counts, pred_counts = shingles(true, size), shingles(pred, size)
    tp = fp = fn = 0.0
    for key in true_counts.keys() | pred_counts.keys():
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp, fp, fn = tp + min(t, p), fp + max(0, p - t), fn + max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_page_f1(counts: tuple[float, float, float]) -> float:
    """One page's body F1 from its shingle counts."""
    return f1_score(precision_score(*counts), recall_score(*counts))


def body_metrics(counts: Sequence[tuple[float, float, float]]) -> tuple[float, float, float, float]:
    """Mean precision, mean recall, F1 of those means (the benchmark's F1) and mean per-page F1."""
    if not counts:
        return 0.0, 0.0, 0.0, 0.0
    precision = statistics.mean(precision_score(*c) for c in counts)
    recall = statistics.mean(recall_score(*c) for c in counts)
    return precision, recall, f1_score(precision, recall), statistics.mean(body_page_f1(c) for c in counts)


def snippet_scores(body: str | None, present: Sequence[str], absent: Sequence[str]) -> tuple[int, int]:
    """How many must-have snippets are in the body, and how many boilerplate snippets are kept out."""
    text = " ".join((body or "").split())
    found = sum(1 for snippet in present if " ".join(snippet.split()) in text)
    kept_out = sum(1 for snippet in absent if " ".join(snippet.split()) not in text)
    return found, kept_out


def score_page(extracted: Extracted, gold: Gold) -> PageScore:
    """Score one page's extraction against its gold."""
    exact = similar = date_ok = None
    if gold.title is not None:
        exact, similar = headline_scores(extracted.headline, gold.title)
    if gold.published is not None:
        date_ok = extracted.published == gold.published
    return PageScore(
        page_id=gold.page_id,
        source=gold.source,
        domain=gold.domain,
        has_headline=bool(extracted.headline),
        has_body=bool(extracted.body),
        headline_exact=exact,
        headline_similar=similar,
        date_correct=date_ok,
        date_basis=extracted.date_basis,
        date_visible=gold.date_visible,
        author_prf=author_scores(extracted.authors, gold.authors) if gold.authors is not None else None,
        credit_prf=(
            author_scores((*extracted.authors, *extracted.agencies), gold.authors)
            if gold.authors is not None
            else None
        ),
        body_tp_fp_fn=shingle_tp_fp_fn(gold.body, extracted.body or "") if gold.body is not None else None,
        snippets_found=(
            (snippet_scores(extracted.body, gold.snippets_present, ())[0], len(gold.snippets_present))
            if gold.snippets_present
            else None
        ),
        boilerplate_out=(
            (snippet_scores(extracted.body, (), gold.snippets_absent)[1], len(gold.snippets_absent))
            if gold.snippets_absent
            else None
        ),
    )


def score_pages(extracted: Mapping[str, Extracted], gold: Mapping[str, Gold]) -> list[PageScore]:
    """Score every gold page; a page the extractor did not return counts as extracting nothing."""
    return [
        score_page(extracted.get(page_id) or _nothing(page_id), gold[page_id]) for page_id in sorted(gold)
    ]


def _nothing(page_id: str) -> Extracted:
    return Extracted(page_id=page_id, headline=None, published=None, authors=(), body=None)


def _share(flags: Iterable[bool | None]) -> str:
    values = [flag for flag in flags if flag is not None]
    return f"{sum(values) / len(values):.3f} ({sum(values)}/{len(values)})" if values else "-"


def _ratio(pairs: Iterable[tuple[int, int] | None]) -> str:
    present = [pair for pair in pairs if pair is not None]
    hits, total = sum(p[0] for p in present), sum(p[1] for p in present)
    return f"{hits / total:.3f} ({hits}/{total})" if total else "-"


def _prf(rows: Sequence[tuple[float, float, float]]) -> str:
    """Mean precision, recall and F1 over pages, as printed."""
    if not rows:
        return "-"
    precision, recall, f1 = (statistics.mean(row[i] for row in rows) for i in range(3))
    return f"{precision:.3f}/{recall:.3f}/{f1:.3f} (n={len(rows)})"


def summarise(name: str, scores: Sequence[PageScore]) -> Summary:
    """Aggregate page scores into the printed metrics of one group."""
    summary = Summary(name=name, pages=len(scores))
    values = summary.values
    values["headline exact"] = _share(s.headline_exact for s in scores)
    values["headline sim>=0.9"] = _share(s.headline_similar for s in scores)
    values["date (visible)"] = _share(s.date_correct for s in scores if s.date_visible)
    values["date (all)"] = _share(s.date_correct for s in scores)
    values["date from update (vis.)"] = _share(
        s.date_correct for s in scores if s.date_visible and s.date_basis == "updated"
    )
    values["authors P/R/F1"] = _prf([s.author_prf for s in scores if s.author_prf is not None])
    values["credits P/R/F1"] = _prf([s.credit_prf for s in scores if s.credit_prf is not None])
    counts = [s.body_tp_fp_fn for s in scores if s.body_tp_fp_fn is not None]
    if counts:
        precision, recall, f1, page_f1 = body_metrics(counts)
        values["body P/R/F1"] = f"{precision:.3f}/{recall:.3f}/{f1:.3f} (n={len(counts)})"
        values["body mean page F1"] = f"{page_f1:.3f}"
    else:
        values["body P/R/F1"] = values["body mean page F1"] = "-"
    values["snippets found"] = _ratio(s.snippets_found for s in scores)
    values["boilerplate out"] = _ratio(s.boilerplate_out for s in scores)
    values["no headline"] = str(sum(not s.has_headline for s in scores))
    values["no body"] = str(sum(not s.has_body for s in scores))
    return summary


def summarise_by_source(scores: Sequence[PageScore]) -> list[Summary]:
    """One summary per source prefix, then one over all pages."""
    groups = [summarise(source, [s for s in scores if s.source == source]) for source in SOURCES]
    return [*groups, summarise("all", scores)]


# --- figures of record: per field, per source, in-sample beside cross-validated ---------------------------

FIELDS = (
    "headline exact",
    "date (visible)",
    "author F1",
    "body F1",
    "snippets found",
    "boilerplate out",
)


def field_key(name: str) -> str:
    """The key of a field in the floors file ("date (visible)" -> "date_visible")."""
    return re.sub(r"\W+", "_", name.casefold()).strip("_")


def field_figures(scores: Sequence[PageScore]) -> dict[str, float | None]:
    """The figure of each field in :data:`FIELDS` over these pages (None where no page has that gold)."""

    def share(flags: Iterable[bool | None]) -> float | None:
        values = [flag for flag in flags if flag is not None]
        return sum(values) / len(values) if values else None

    def ratio(pairs: Iterable[tuple[int, int] | None]) -> float | None:
        present = [pair for pair in pairs if pair is not None]
        total = sum(p[1] for p in present)
        return sum(p[0] for p in present) / total if total else None

    authors = [s.author_prf[2] for s in scores if s.author_prf is not None]
    counts = [s.body_tp_fp_fn for s in scores if s.body_tp_fp_fn is not None]
    return {
        "headline exact": share(s.headline_exact for s in scores),
        "date (visible)": share(s.date_correct for s in scores if s.date_visible),
        "author F1": statistics.mean(authors) if authors else None,
        "body F1": body_metrics(counts)[2] if counts else None,
        "snippets found": ratio(s.snippets_found for s in scores),
        "boilerplate out": ratio(s.boilerplate_out for s in scores),
    }


def figures_by_source(scores: Sequence[PageScore]) -> dict[str, dict[str, float | None]]:
    """:func:`field_figures` per source prefix, then over all pages (key ``all``)."""
    groups = {source: field_figures([s for s in scores if s.source == source]) for source in SOURCES}
    return {**groups, "all": field_figures(scores)}


def format_side_by_side(
    in_sample: Mapping[str, Mapping[str, float | None]], validated: Mapping[str, Mapping[str, float | None]]
) -> str:
    """One row per field, one column per source: ``in-sample / cross-validated``."""
    groups = list(in_sample)
    label = "field (in-sample / CV)"
    width = max(len(label), *(len(f) for f in FIELDS)) + 2

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    header = label.ljust(width) + "".join(g.ljust(16) for g in groups)
    rows = [
        field.ljust(width)
        + "".join(f"{cell(in_sample[g][field])} / {cell(validated[g][field])}".ljust(16) for g in groups)
        for field in FIELDS
    ]
    return "\n".join([header, *rows])


FLOOR_MARGIN = 0.02


def floors_toml(figures: Mapping[str, Mapping[str, float | None]], margin: float = FLOOR_MARGIN) -> str:
    """The ``[fields]`` section of ``tests/quality_floors.toml`` for these cross-validated figures: each floor
    the figure minus ``margin``, rounded down to two decimals."""
    lines = ["[fields]"]
    for group, values in figures.items():
        for name, value in values.items():
            if value is not None:
                floor = max(0.0, math.floor((value - margin) * 100 + 1e-9) / 100)
                lines.append(f"{group}.{field_key(name)} = {floor:.2f}  # achieved {value:.3f}")
    return "\n".join(lines)


def publisher(gold: Gold) -> str:
    """The publisher a page belongs to: the host of its gold url without ``www.``, else its domain field."""
    host = urlsplit(gold.url).hostname or gold.domain or gold.page_id
    host = host.casefold()
    return host[4:] if host.startswith("www.") else host


def group_folds(groups: Mapping[str, str], folds: int = FOLDS) -> dict[str, int]:
    """Assign each item (key) to one of ``folds`` folds so that all items of a group share a fold.

    As scikit-learn's GroupKFold does, and deterministic: groups from the largest (ties by name) each go to
    the fold holding fewest items so far (ties to the lowest fold).
    """
    sizes = Counter(groups.values())
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        target = min(range(folds), key=lambda f: (load[f], f))
        fold_of[group] = target
        load[target] += sizes[group]
    return {item: fold_of[group] for item, group in groups.items()}


Extractor = Callable[[Path, Sequence[str], object | None], dict[str, Extracted]]
Learner = Callable[[Path, Sequence[str]], object | None]


def cross_validate(
    corpus: Path,
    gold: Mapping[str, Gold],
    extract: Extractor,
    learn: Learner | None,
    folds: int = FOLDS,
) -> dict[str, Extracted]:
    """Each page extracted with learned parts trained on the pages of the other folds only.

    ``learn(corpus, train_ids)`` returns the models the extractor takes (``None`` for the shipped ones); with
    no learner the extraction is the in-sample one, fold by fold.
    """
    fold_of = group_folds({page_id: publisher(g) for page_id, g in gold.items()}, folds)
    extracted: dict[str, Extracted] = {}
    for fold in range(folds):
        held_out = sorted(p for p, f in fold_of.items() if f == fold)
        training = sorted(p for p, f in fold_of.items() if f != fold)
        models = learn(corpus, training) if learn is not None else None
        extracted.update(extract(corpus, held_out, models))
    return extracted


def format_headline_comparison(
    rules: Sequence[PageScore],
    rules_cv: Mapping[str, Extracted],
    ranker: Sequence[PageScore],
    ranker_cv: Mapping[str, Extracted],
    gold: Mapping[str, Gold],
) -> str:
    """Headline exact per source for the rules and the ranker, in-sample / cross-validated."""
    columns = [
        figures_by_source(rules),
        figures_by_source(score_pages(rules_cv, gold)),
        figures_by_source(ranker),
        figures_by_source(score_pages(ranker_cv, gold)),
    ]
    lines = [
        "| source | rules in-sample | rules CV | ranker in-sample | ranker CV |",
        "| --- | --- | --- | --- | --- |",
    ]
    for source in (*SOURCES, "all"):
        values = [column.get(source, {}).get("headline exact") for column in columns]
        if all(value is None for value in values):
            continue
        lines.append(f"| {source} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in values) + " |")
    return "\n".join(lines)


def worst_body_pages(scores: Sequence[PageScore], limit: int = 10) -> list[tuple[str, str, float]]:
    """The pages with the lowest body F1, as ``(page_id, domain, f1)``."""
    rated = [(s.page_id, s.domain, body_page_f1(s.body_tp_fp_fn)) for s in scores if s.body_tp_fp_fn]
    return sorted(rated, key=lambda row: (row[2], row[0]))[:limit]


def page_body_f1(scores: Sequence[PageScore]) -> dict[str, float]:
    """Each scored page's body F1, by page id (what ``--save`` writes and ``--compare`` reads)."""
    return {s.page_id: body_page_f1(s.body_tp_fp_fn) for s in scores if s.body_tp_fp_fn is not None}


def format_deltas(before: Mapping[str, float], after: Mapping[str, float], least: float = 0.001) -> str:
    """One line per page whose body F1 moved by at least ``least``, worst change first."""
    moved = sorted(
        (after[page] - before[page], page) for page in after.keys() & before.keys()
        if abs(after[page] - before[page]) >= least
    )  # fmt: skip
    lines = [f"  {delta:+.3f}  {before[page]:.3f} -> {after[page]:.3f}  {page}" for delta, page in moved]
    return "\n".join([f"body F1 changes ({len(moved)} pages):", *lines])


def snippet_misses(body: str | None, gold: Gold) -> list[str]:
    """Lines for the must-have snippets missing from the body and the boilerplate snippets kept in it."""
    text = " ".join((body or "").split())
    lines = [
        f"snippet missing: {snippet!r}"
        for snippet in gold.snippets_present
        if " ".join(snippet.split()) not in text
    ]
    lines += [
        f"boilerplate kept: {snippet!r}"
        for snippet in gold.snippets_absent
        if " ".join(snippet.split()) in text
    ]
    return lines


def field_failures(extracted: Extracted, gold: Gold) -> list[str]:
    """Human-readable lines for each scored field this page got wrong (headline, date, authors, snippets)."""
    lines = []
    if gold.title is not None and not headline_scores(extracted.headline, gold.title)[0]:
        lines.append(f"headline: {extracted.headline!r} != {gold.title!r}")
    if gold.published is not None and extracted.published != gold.published:
        lines.append(f"date: {extracted.published} != {gold.published} (visible={gold.date_visible})")
    if gold.authors is not None and author_scores(extracted.authors, gold.authors)[2] < 1:
        lines.append(
            f"authors: {list(extracted.authors)} (agencies {list(extracted.agencies)})"
            f" != {list(gold.authors)}"
        )
    return lines + snippet_misses(extracted.body, gold)


def format_table(summaries: Sequence[Summary]) -> str:
    """A plain-text table: one row per metric, one column per group."""
    metrics = list(summaries[0].values)
    width = max(len(m) for m in metrics) + 2
    columns = [max(len(s.name), *(len(v) for v in s.values.values())) + 2 for s in summaries]
    header = "metric".ljust(width) + "".join(
        f"{s.name} ({s.pages})".ljust(w) for s, w in zip(summaries, columns, strict=True)
    )
    rows = [
        metric.ljust(width)
        + "".join(s.values[metric].ljust(w) for s, w in zip(summaries, columns, strict=True))
        for metric in metrics
    ]
    return "\n".join([header, *rows])


# --- I/O: gold, extraction, report -----------------------------------------------------------------------


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def gold_from_json(data: Mapping[str, Any]) -> Gold:
    """Build a :class:`Gold` from one ``<id>.json`` of the corpus, keeping only the fields marked gold."""
    fields = set(data.get("gold_fields", ()))
    checks = data.get("checks") or {}
    authors = data.get("authors")
    return Gold(
        page_id=data["id"],
        domain=data.get("domain") or "",
        url=data.get("url") or "",
        title=data.get("title") if "title" in fields else None,
        published=_day(data.get("published")) if "published" in fields else None,
        date_visible=bool(checks.get("date_visible_in_txt")),
        authors=tuple(authors or ()) if "authors" in fields else None,
        body=data.get("body") if "body" in fields else None,
        snippets_present=tuple(data.get("body_snippets_present") or ()),
        snippets_absent=tuple(data.get("boilerplate_snippets_absent") or ()),
    )


def declared_authors(corpus: Path) -> dict[str, tuple[str, ...]]:
    """The authors each page declares itself (JSON-LD, else its author meta tag; ``page_meta_not_gold``:
    hints, not gold), on the pages without gold authors: names of two to five words, no URL or handle."""
    declared: dict[str, tuple[str, ...]] = {}
    for path in sorted(corpus.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "authors" in (data.get("gold_fields") or ()):
            continue
        meta = data.get("page_meta_not_gold") or {}
        names = meta.get("jsonld_authors") or ([meta["meta_author"]] if meta.get("meta_author") else [])
        kept = tuple(
            str(n) for n in names if "/" not in str(n) and "@" not in str(n) and 2 <= len(str(n).split()) <= 5
        )
        if kept:
            declared[path.stem] = kept
    return declared


def declared_author_f1(extracted: Mapping[str, Extracted], declared: Mapping[str, tuple[str, ...]]) -> float:
    """Mean author F1 against the pages' declared authors (:func:`declared_authors`)."""
    scores = [
        author_scores(extracted[p].authors, names)[2] for p, names in declared.items() if p in extracted
    ]
    return statistics.mean(scores) if scores else 0.0


def load_gold(corpus: Path) -> dict[str, Gold]:
    """Read the gold of every page in the corpus folder."""
    golds = (gold_from_json(json.loads(path.read_text(encoding="utf-8"))) for path in corpus.glob("*.json"))
    return {gold.page_id: gold for gold in golds}


def extract_pages(
    corpus: Path, page_ids: Sequence[str] | None = None, models: object | None = None
) -> dict[str, Extracted]:
    """Run the parser on each ``<id>.txt`` (all, or those of ``page_ids``; decoded as UTF-8) and keep the
    scored fields; ``models`` are learned parts to use instead of the shipped ones."""
    sys.path.insert(0, str(REPO_ROOT))
    from flows.core.page.parse import parse_page

    paths = sorted(corpus.glob("*.txt")) if page_ids is None else [corpus / f"{p}.txt" for p in page_ids]
    records: dict[str, Extracted] = {}
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        page = parse_page(text, **_model_arguments(models))
        records[path.stem] = Extracted(
            page_id=path.stem,
            headline=page.headline,
            published=page.dated[0].local.date() if page.dated else None,
            authors=page.authors,
            body=page.body,
            agencies=page.agencies,
            date_basis=page.dated[1].value if page.dated else None,
        )
    return records


RULES_ONLY = "rules"  # ``models`` for the parser without any learned part
RULES_BYLINE = "rules-byline"  # ``models`` for the shipped parser but with the rules' byline


def _model_arguments(models: object | None) -> dict[str, Any]:
    """``parse_page``'s keywords for learned parts: a block model, a headline ranker, a byline ranker, a tuple
    of these, :data:`RULES_ONLY` (the layout rules alone), :data:`RULES_BYLINE` (the rules' byline), or None
    (the shipped parser)."""
    from flows.core.page.authormodel import AuthorModel
    from flows.core.page.blockmodel import BlockModel
    from flows.core.page.headmodel import HeadlineModel

    if isinstance(models, tuple):
        return {key: value for part in models for key, value in _model_arguments(part).items()}
    if models == RULES_ONLY:
        return {"block_model": None, "headline_model": None, "author_model": None}
    if models == RULES_BYLINE:
        return {"author_model": None}
    if isinstance(models, AuthorModel):
        return {"author_model": models}
    if isinstance(models, BlockModel):  # measured against the rules alone: the rules' headline and byline too
        return {"block_model": models, "headline_model": None, "author_model": None}
    if isinstance(models, HeadlineModel):
        return {"headline_model": models}
    return {}


def load_learner() -> Learner | None:
    """The trainer of the shipped parser's learned parts: the headline ranker and the byline ranker (the
    block model is measured apart, see :func:`load_block_learner`)."""
    learner: Learner = _train_module().train_shipped_for_pages
    return learner


def extract_with_rules(
    corpus: Path, page_ids: Sequence[str] | None = None, models: object | None = None
) -> dict[str, Extracted]:
    """:func:`extract_pages` with the layout rules alone (no learned part; ``models`` is ignored)."""
    return extract_pages(corpus, page_ids, RULES_ONLY)


def _train_module() -> Any:
    path = REPO_ROOT / "scripts" / "train.py"
    spec = importlib.util.spec_from_file_location("newsmill_train", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["newsmill_train"] = module
    spec.loader.exec_module(module)
    return module


def load_block_learner() -> Learner:
    """The block model's trainer (``scripts/train.py``), to measure the parser with it (``--block-model``)."""
    learner: Learner = _train_module().train_for_pages
    return learner


def load_headline_learner() -> Learner:
    """The headline ranker's trainer (``scripts/train.py``), to measure the parser with it."""
    learner: Learner = _train_module().train_headline_for_pages
    return learner


def extract_with_author_model(
    corpus: Path, page_ids: Sequence[str] | None = None, models: object | None = None
) -> dict[str, Extracted]:
    """:func:`extract_pages` with the shipped headline ranker and the byline ranker in ``models`` (a fold's),
    or the committed byline ranker; :data:`RULES_BYLINE` for the rules' byline."""
    return extract_pages(corpus, page_ids, models)


def format_author_comparison(
    columns: Sequence[tuple[str, Sequence[PageScore], Mapping[str, Extracted]]],
    gold: Mapping[str, Gold],
) -> str:
    """Author F1 per source for each way of choosing the byline, in-sample / cross-validated."""
    figures = [
        (name, figures_by_source(in_sample), figures_by_source(score_pages(validated, gold)))
        for name, in_sample, validated in columns
    ]
    lines = [
        "| source | " + " | ".join(f"{name} in-sample | {name} CV" for name, _, _ in figures) + " |",
        "| --- |" + " --- | --- |" * len(figures),
    ]
    for source in (*SOURCES, "all"):
        values = [table.get(source, {}).get("author F1") for _, a, b in figures for table in (a, b)]
        if all(value is None for value in values):
            continue
        lines.append(f"| {source} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in values) + " |")
    return "\n".join(lines)


def extract_with_shipped_block_model(
    corpus: Path, page_ids: Sequence[str] | None = None, models: object | None = None
) -> dict[str, Extracted]:
    """:func:`extract_pages` with the block model in ``models``, or the committed one (in-sample)."""
    sys.path.insert(0, str(REPO_ROOT))
    from flows.core.page.blockmodel import shipped_model

    return extract_pages(corpus, page_ids, models if models is not None else shipped_model())


# --- wire text (CoNLL-2003 dev: Reuters documents) -------------------------------------------------------


def wire_outcomes(folder: Path) -> Counter[str]:
    """What the per-file decision makes of each wire document: its article kind, or ``reject: <reason>``."""
    sys.path.insert(0, str(REPO_ROOT))
    from flows.core.ids import sha256_hex
    from flows.core.models import Article, RawDocument, SourceFile
    from flows.core.page.article import to_article

    outcomes: Counter[str] = Counter()
    for path in sorted(folder.glob("*.txt")):
        data = path.read_bytes()
        raw = RawDocument(source=SourceFile(path.name, len(data), 0), data=data, sha256=sha256_hex(data))
        result = to_article(raw)
        if isinstance(result, Article):
            outcomes[f"article: {getattr(result.page, 'article_kind', 'article')}"] += 1
            outcomes["with dateline place"] += result.page.dateline_place is not None
            outcomes["with date"] += result.page.published is not None
        else:
            outcomes[f"reject: {result.reason.value}"] += 1
    return outcomes


@dataclass(frozen=True, slots=True)
class PipelineRun:
    """What the real pipeline made of the corpus: pages, and rejects as ``(page_id, reason, detail)``."""

    extracted: dict[str, Extracted]
    rejects: list[tuple[str, str, str]]


def extract_with_pipeline(corpus: Path) -> PipelineRun:
    """Run ``newsmill run`` on the corpus into a temporary folder and read its Delta tables back."""
    import polars as pl

    with tempfile.TemporaryDirectory(prefix="newsmill-eval-") as tmp:
        output = Path(tmp) / "output"
        env = {**os.environ, "PREFECT_HOME": str(Path(tmp) / "prefect")}
        command = [str(REPO_ROOT / ".venv" / "bin" / "newsmill"), "run", "--raw", str(corpus)]
        command += ["--output", str(output), "--include", "*.txt"]
        done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"newsmill run failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        articles = pl.read_delta(str(output / "articles")).to_dicts()
        rejects_path = output / "rejects"
        rejects = pl.read_delta(str(rejects_path)).to_dicts() if rejects_path.exists() else []
    return PipelineRun(
        extracted=records_from_rows(articles),
        rejects=sorted((_page_id(r["source_path"]), str(r["reason"]), str(r["detail"])) for r in rejects),
    )


def _page_id(source_path: str) -> str:
    return Path(source_path).stem


def records_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Extracted]:
    """:class:`Extracted` records from rows of the ``articles`` table (one per page; the last row wins)."""
    records: dict[str, Extracted] = {}
    for row in rows:
        page_id = _page_id(str(row["source_path"]))
        published = row.get("published_at")
        records[page_id] = Extracted(
            page_id=page_id,
            headline=row.get("headline"),
            published=published.date() if published is not None else None,
            authors=tuple(row.get("authors") or ()),
            body=row.get("body"),
            agencies=tuple(row.get("agencies") or ()),
            date_basis=row.get("published_basis"),
        )
    return records


def format_rejects(rejects: Sequence[tuple[str, str, str]]) -> str:
    """How many pages the pipeline rejected, by reason, then one line per page."""
    counts = Counter(reason for _, reason, _ in rejects)
    summary = ", ".join(f"{reason} {count}" for reason, count in counts.most_common()) or "none"
    lines = [f"rejected pages: {len(rejects)} ({summary})"]
    lines += [f"  {page_id}: {reason}: {detail}" for page_id, reason, detail in rejects]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the parser on the corpus and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of <id>.txt and <id>.json"
    )
    parser.add_argument("--worst", type=int, default=10, help="how many worst body pages to list")
    parser.add_argument(
        "--failures", action="store_true", help="list headline, date, author and snippet misses"
    )
    parser.add_argument("--save", type=Path, help="write each page's body F1 to this JSON file")
    parser.add_argument(
        "--compare", type=Path, help="print the body F1 change of each page against a --save file"
    )
    parser.add_argument(
        "--pipeline",
        action="store_true",
        help="score the real pipeline's Delta tables (newsmill run into a temp folder, ~1 min) instead of "
        "calling the parser, and report the rejects",
    )
    parser.add_argument(
        "--floors", action="store_true", help="print the [fields] floors (CV figures minus a margin) as TOML"
    )
    parser.add_argument(
        "--block-model",
        action="store_true",
        help="also measure the parser with the learned block model (trains it per fold: slower)",
    )
    parser.add_argument("--folds", type=int, default=FOLDS, help="folds of publishers for cross-validation")
    parser.add_argument(
        "--wire",
        type=Path,
        default=DEFAULT_WIRE,
        help="folder of plain wire documents (<id>.txt) to count rejects on; skipped when absent",
    )
    args = parser.parse_args(argv)
    corpus = args.corpus if args.corpus.is_absolute() else (Path.cwd() / args.corpus)
    if not corpus.is_dir():
        print(f"error: corpus folder not found: {corpus}", file=sys.stderr)
        return 2
    gold = load_gold(corpus)
    if args.pipeline:
        try:
            run = extract_with_pipeline(corpus)
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        extracted = run.extracted
    else:
        extracted = extract_pages(corpus)
    scores = score_pages(extracted, gold)
    print(format_table(summarise_by_source(scores)))
    validated = cross_validate(corpus, gold, extract_pages, load_learner(), args.folds)
    print(f"\nleave-publisher-out cross-validation ({args.folds} folds grouped by the gold url's domain):")
    validated_figures = figures_by_source(score_pages(validated, gold))
    print(format_side_by_side(figures_by_source(scores), validated_figures))
    if args.floors:
        print("\n" + floors_toml(validated_figures))
    rules_extracted = extract_with_rules(corpus)
    rules = score_pages(rules_extracted, gold)
    print(
        "\nthe layout rules alone (in-sample = cross-validated: nothing is fitted) / the shipped parser, CV:"
    )
    print(format_side_by_side(figures_by_source(rules), validated_figures))
    print(
        "\nheadline: rules / learned ranker (committed ranker in-sample, trained per fold cross-validated):"
    )
    print(format_headline_comparison(rules, rules_extracted, scores, validated, gold))
    train = _train_module()
    rules_byline = extract_with_author_model(corpus, None, RULES_BYLINE)
    override = train.fit_author(
        *train.author_training_data(corpus, train.author_pages(corpus)), rules_first=0.0
    )
    override_extracted = extract_with_author_model(corpus, None, override)
    print(
        "\nauthors: the rules' byline / the byline ranker filling in where the rules find none (shipped) / the "
        "ranker overriding the rules (committed ranker in-sample, trained per fold cross-validated):"
    )
    print(
        format_author_comparison(
            [
                ("rules", score_pages(rules_byline, gold), rules_byline),
                ("fill-in", scores, validated),
                (
                    "override",
                    score_pages(override_extracted, gold),
                    cross_validate(
                        corpus,
                        gold,
                        extract_with_author_model,
                        train.train_author_override_for_pages,
                        args.folds,
                    ),
                ),
            ],
            gold,
        )
    )
    if args.block_model:
        with_model = score_pages(extract_with_shipped_block_model(corpus), gold)
        learner = load_block_learner()
        with_model_cv = cross_validate(corpus, gold, extract_with_shipped_block_model, learner, args.folds)
        print(
            "\nthe rules with the learned block model (not shipped; the rules' headline; committed model "
            "in-sample / trained per fold):"
        )
        print(
            format_side_by_side(
                figures_by_source(with_model), figures_by_source(score_pages(with_model_cv, gold))
            )
        )
    declared = declared_authors(corpus)
    print(
        f"authors against what {len(declared)} pages without gold authors declare (JSON-LD or meta tag: hints, "
        "not gold; pages the rankers never train on): "
        + ", ".join(
            f"{name} {declared_author_f1(found, declared):.3f}"
            for name, found in (
                ("rules", rules_byline),
                ("fill-in", extracted),
                ("override", override_extracted),
            )
        )
    )
    wire = args.wire if args.wire.is_absolute() else (Path.cwd() / args.wire)
    if wire.is_dir():
        outcomes = wire_outcomes(wire)
        print(
            f"\nwire documents ({wire.name}): " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        )
    if args.pipeline:
        print()
        print(format_rejects(run.rejects))
    if args.failures:
        print("\nfield failures:")
        for page_id in sorted(gold):
            for line in field_failures(extracted.get(page_id) or _nothing(page_id), gold[page_id]):
                print(f"  {page_id}: {line}")
    if args.compare is not None:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        print()
        print(format_deltas(before, page_body_f1(scores)))
    if args.save is not None:
        args.save.write_text(json.dumps(page_body_f1(scores), indent=1, sort_keys=True), encoding="utf-8")
    print(f"\nworst {args.worst} pages by body F1 (sh-):")
    for page_id, domain, f1 in worst_body_pages(scores, args.worst):
        print(f"  {f1:.3f}  {domain:<28} {page_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
