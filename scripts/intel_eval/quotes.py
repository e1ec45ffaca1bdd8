"""Quotes and speakers on PolNeAR (``intel/polnear_dev``), with the corpus README's scoring conventions.

Each page is read as newsmill holds an article (line 1 the headline, the paragraphs after the date line the
body, so ``articles.body`` equals the gold ``body`` and offsets need no mapping). Entities come from the flow's
own path (:func:`flows.core.nlp.pipeline.extract_entities`, the default model), quotes from
:func:`flows.core.intel.quotes.extract_quotes` on the body.

* **Detection** against the gold ``quoted`` parts: spans match when they overlap (a quote over several
  paragraphs matches through any of its paragraphs). Precision counts newsmill quotes that overlap a gold
  quoted part, recall the gold parts that some newsmill quote overlaps. Baseline: a regex pairing double
  quote marks within a paragraph.
* **Speaker**, on matched gold parts whose attribution has a source, by kind of gold source (its head word,
  the last word before a comma, bracket, relative pronoun or "of": a pronoun; a capitalised word that the
  corpus does not write more often in lower case, a name; else descriptive). Right when: *named*, a word of
  the gold name (capitalised, not a title) is among the words of newsmill's speaker phrase or entity name;
  *descriptive*, newsmill's speaker phrase overlaps the gold source or shares a content word with it;
  *pronoun*, strictly the phrase is the gold pronoun, loosely that or newsmill's entity is a name written in
  the 300 characters before the quote. "Overall" takes pronouns loosely. "No speaker" is the share of those
  quotes newsmill gives no speaker. Baseline: the nearest PERSON or ORG mention ending before the gold quote,
  scored the same way on every gold quote with a source.
* **Cross-validation.** The attribution rules that :class:`flows.core.intel.quotes.QuoteRules` can switch
  off are chosen on folds of documents: for each of five folds (documents split by a hash of their id), the
  candidate set of rules (all on, each one off alone, all off) that scores best (speaker right overall +
  detection F) on the other four folds is scored on the held-out one. "In-sample" is every rule on, over all
  documents.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

from flows.config import DEFAULT_MODEL
from flows.core.intel.quotes import Quote, QuoteRules, extract_quotes
from flows.core.models import Article, EntityMention, ParsedPage, Section
from flows.core.nlp.ner_rules import VALUE_LABELS
from flows.core.nlp.pipeline import extract_entities, load_pipeline
from intel_eval import _speakers
from schemas.vocabulary import SpeakerKind

SET = Path("intel") / "polnear_dev"
FOLDS = 5
KINDS = ("named", "descriptive", "pronoun")
WINDOW = 300  # characters before a quote in which a pronoun's name must be written (loose scoring)
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "who",
        "we",
        "i",
        "you",
        "him",
        "her",
        "them",
        "which",
        "that",
        "this",
        "these",
        "those",
        "us",
    ]
)
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gov",
        "president",
        "senator",
        "sen.",
        "rep.",
        "gov.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "gen.",
        "gen",
        "candidate",
    ]
)
STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "for",
        "to",
        "and",
        "or",
        "his",
        "her",
        "their",
        "its",
        "our",
        "this",
        "that",
        "these",
        "those",
        "who",
        "which",
        "with",
        "by",
        "from",
    ]
)
_HEAD_CUT_RE = re.compile(r",|\(|\b(?:who|which|that|of|for|at|from|in|on|with)\b")
_WORD_RE = re.compile(r"[^\W_][\w’'.-]*")
_REGEX_QUOTE_RE = re.compile(r"[“\"«]([^“”\"«»\n]+)[”\"»]")


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One gold quoted part, with its attribution's source (the first source span, if any)."""

    start: int
    end: int
    source: str | None
    source_start: int | None
    source_end: int | None
    kind: str | None  # named / descriptive / pronoun, None without a source


@dataclass(frozen=True, slots=True)
class Doc:
    """One page: its body (equal to newsmill's), the body's entity mentions and the gold quotes."""

    doc_id: str
    body: str
    mentions: tuple[EntityMention, ...]
    gold: tuple[GoldQuote, ...]


# --- loading ----------------------------------------------------------------------------------------------


def load_gold(corpus: Path) -> list[dict[str, object]]:
    """The set's gold lines, in file order."""
    lines = (corpus / SET / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def lowercase_words(bodies: Sequence[str]) -> frozenset[str]:
    """Words the corpus writes more often in lower case than capitalised (so "Officials" is not a name)."""
    counts: Counter[str] = Counter(_WORD_RE.findall("\n".join(bodies)))
    return frozenset(w for w in counts if w.islower() and counts[w] >= counts[w.capitalize()])


def source_kind(source: str, lower: frozenset[str]) -> str:
    """named / descriptive / pronoun, from the head word of a gold source phrase."""
    head_phrase = _HEAD_CUT_RE.split(source)[0] or source
    words = _WORD_RE.findall(head_phrase) or _WORD_RE.findall(source)
    if not words:
        return "descriptive"
    head = re.sub(r"[’']s?$", "", words[-1]).rstrip(".")
    if head.lower() in PRONOUNS:
        return "pronoun"
    if head[:1].isupper() and head.lower() not in lower and head.lower() not in TITLES:
        return "named"
    return "descriptive"


def gold_quotes(line: dict[str, object], lower: frozenset[str]) -> tuple[GoldQuote, ...]:
    """The quoted parts of a page's attributions, each with its attribution's first source."""
    found = []
    attributions = line["attributions"]
    assert isinstance(attributions, list)
    for attribution in attributions:
        sources = [s for s in attribution["source"] if s["section"] == "body"]
        source = sources[0] if sources else None
        kind = source_kind(source["text"], lower) if source else None
        for part in attribution["quoted"]:
            if part["section"] != "body":
                continue
            found.append(
                GoldQuote(
                    part["start"],
                    part["end"],
                    source["text"] if source else None,
                    source["start"] if source else None,
                    source["end"] if source else None,
                    kind,
                )
            )
    return tuple(found)


def as_article(line: dict[str, object]) -> Article:
    """The page as newsmill holds an article: the headline and the body's paragraphs."""
    body = str(line["body"])
    page = ParsedPage(
        site_tagline=None,
        headline=str(line["headline"]) or None,
        published=None,
        image_caption=None,
        image_credit=None,
        paragraphs=tuple(body.split("\n\n")),
        related_headlines=(),
    )
    doc_id = str(line["doc_id"])
    return Article(doc_id, doc_id, "0" * 64, 1, 0, "utf-8", page, 1, "en")


@functools.lru_cache(maxsize=2)
def load_docs(corpus: Path, model: str = DEFAULT_MODEL) -> tuple[Doc, ...]:
    """Every page with its body mentions (spaCy runs once per corpus and model in a process)."""
    lines = load_gold(corpus)
    lower = lowercase_words([str(line["body"]) for line in lines])
    articles = [as_article(line) for line in lines]
    for article, line in zip(articles, lines, strict=True):
        assert article.page.body == line["body"], f"{line['doc_id']}: body differs from the gold's"
    mentions = extract_entities(load_pipeline(model), articles).mentions
    by_doc: dict[str, list[EntityMention]] = {}
    for m in mentions:
        if m.section is Section.BODY and m.label not in VALUE_LABELS:
            by_doc.setdefault(m.article_id, []).append(m)
    return tuple(
        Doc(
            str(line["doc_id"]),
            str(line["body"]),
            tuple(by_doc.get(str(line["doc_id"]), ())),
            gold_quotes(line, lower),
        )
        for line in lines
    )


# --- scoring ----------------------------------------------------------------------------------------------


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _names(text: str) -> set[str]:
    """Lower-cased words of a phrase, possessives and edge dots removed."""
    return {re.sub(r"[’']s$", "", w).strip(".").lower() for w in _WORD_RE.findall(text)}


def _name_words(source: str) -> set[str]:
    words = {w for w in _WORD_RE.findall(source) if w[:1].isupper()}
    return {n for n in _names(" ".join(words)) if n not in TITLES and len(n) > 1} or _names(source)


@dataclass(frozen=True, slots=True)
class Said:
    """Who a system says spoke a quote: the phrase as written (with its span) and an entity's name."""

    phrase: str | None
    span: tuple[int, int] | None
    entity: str | None
    entity_start: int | None


def speaker_right(gold: GoldQuote, said: Said, body: str) -> dict[str, bool]:
    """Whether the speaker is right for the gold's kind: one key, or ``strict`` and ``loose`` for pronouns."""
    phrase_words = _names(said.phrase or "") | _names(said.entity or "")
    assert gold.source is not None
    assert gold.source_start is not None
    assert gold.source_end is not None
    on_source = said.span is not None and _overlaps(said.span, (gold.source_start, gold.source_end))
    if gold.kind == "named":
        return {"named": bool(_name_words(gold.source) & phrase_words)}
    if gold.kind == "descriptive":
        content = _names(gold.source) - STOPWORDS
        return {"descriptive": on_source or bool(content & (phrase_words - STOPWORDS))}
    strict = on_source and (said.phrase or "").strip().lower() == gold.source.strip().lower()
    window = body[max(0, gold.start - WINDOW) : gold.start]
    entity_words = {w for w in _name_words(said.entity or "") if w not in PRONOUNS}
    written = bool(said.entity and entity_words and entity_words & _names(window))
    return {"strict": strict, "loose": strict or written}


def said_by(quote: Quote) -> Said:
    """A newsmill quote's speaker."""
    span = (quote.speaker_start, quote.speaker_end) if quote.speaker_start is not None else None
    assert span is None or span[1] is not None
    return Said(quote.speaker, span, quote.speaker_entity, quote.speaker_entity_start)  # type: ignore[arg-type]


def nearest_said(doc: Doc, pos: int) -> Said:
    """The baseline: the nearest PERSON or ORG mention ending before ``pos``."""
    before = [m for m in doc.mentions if m.end_char <= pos and m.label in ("PERSON", "ORG")]
    if not before:
        return Said(None, None, None, None)
    m = max(before, key=lambda m: m.end_char)
    return Said(m.text, (m.start_char, m.end_char), m.text, m.start_char)


def regex_quotes(body: str) -> list[tuple[int, int]]:
    """The detection baseline: text between paired double marks within a paragraph."""
    return [(m.start(1), m.end(1)) for m in _REGEX_QUOTE_RE.finditer(body)]


def count_doc(doc: Doc, quotes: Sequence[Quote]) -> Counter[str]:
    """The counts one document adds: detection, and speakers by kind of matched quotes with a source."""
    counts: Counter[str] = Counter()
    gold_spans = [(g.start, g.end) for g in doc.gold]
    predicted = [(q, q.paragraphs) for q in quotes]
    counts["pred"] = len(predicted)
    counts["pred_tp"] = sum(any(_overlaps(p, g) for p in paras for g in gold_spans) for _, paras in predicted)
    counts["gold"] = len(gold_spans)
    for gold in doc.gold:
        overlap = [
            (sum(max(0, min(e, gold.end) - max(s, gold.start)) for s, e in paras), q)
            for q, paras in predicted
        ]
        best = max(overlap, key=lambda o: o[0], default=(0, None))
        if best[0] <= 0 or best[1] is None:
            continue
        counts["gold_tp"] += 1
        if gold.kind is None:
            continue
        quote = best[1]
        counts[f"n_{gold.kind}"] += 1
        counts["n_all"] += 1
        counts["none"] += quote.speaker_kind is SpeakerKind.NONE
        counts[f"none_{gold.kind}"] += quote.speaker_kind is SpeakerKind.NONE
        for key, right in speaker_right(gold, said_by(quote), doc.body).items():
            counts[f"right_{key}"] += right
        counts["right_all"] += _overall(gold, said_by(quote), doc.body)
        counts["right_all_strict"] += _overall(gold, said_by(quote), doc.body, strict=True)
    return counts


def _overall(gold: GoldQuote, said: Said, body: str, strict: bool = False) -> bool:
    result = speaker_right(gold, said, body)
    return result.get(gold.kind or "", result.get("strict" if strict else "loose", False))


def count_baseline(doc: Doc) -> Counter[str]:
    """The baselines' counts: regex detection, and the nearest PERSON/ORG for every gold quote with a source."""
    counts: Counter[str] = Counter()
    gold_spans = [(g.start, g.end) for g in doc.gold]
    predicted = regex_quotes(doc.body)
    counts["pred"] = len(predicted)
    counts["pred_tp"] = sum(any(_overlaps(p, g) for g in gold_spans) for p in predicted)
    counts["gold"] = len(gold_spans)
    counts["gold_tp"] = sum(any(_overlaps(p, g) for p in predicted) for g in gold_spans)
    for gold in doc.gold:
        if gold.kind is None:
            continue
        said = nearest_said(doc, gold.start - 1)
        counts[f"n_{gold.kind}"] += 1
        counts["n_all"] += 1
        counts["none"] += said.phrase is None
        for key, right in speaker_right(gold, said, doc.body).items():
            counts[f"right_{key}"] += right
        counts["right_all"] += _overall(gold, said, doc.body)
        counts["right_all_strict"] += _overall(gold, said, doc.body, strict=True)
    return counts


# --- figures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """Detection and speaker figures from summed counts."""

    counts: Counter[str]

    def ratio(self, num: str, den: str) -> float:
        return self.counts[num] / self.counts[den] if self.counts[den] else 0.0

    @property
    def precision(self) -> float:
        return self.ratio("pred_tp", "pred")

    @property
    def recall(self) -> float:
        return self.ratio("gold_tp", "gold")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def speaker(self, kind: str) -> float:
        """Speaker right: ``all``, ``all_strict``, ``named``, ``descriptive``, ``strict`` or ``loose``."""
        den = {"strict": "n_pronoun", "loose": "n_pronoun", "all_strict": "n_all"}.get(kind, f"n_{kind}")
        return self.ratio(f"right_{kind}", den)

    @property
    def no_speaker(self) -> float:
        return self.ratio("none", "n_all")

    def as_dict(self) -> dict[str, float]:
        """The figures a quality gate pins, by name."""
        return {
            "detection_precision": self.precision,
            "detection_recall": self.recall,
            "detection_f1": self.f1,
            "speaker_overall": self.speaker("all"),
            "speaker_named": self.speaker("named"),
            "speaker_descriptive": self.speaker("descriptive"),
            "speaker_pronoun_strict": self.speaker("strict"),
            "speaker_pronoun_loose": self.speaker("loose"),
            "no_speaker": self.no_speaker,
        }


def rule_sets() -> list[QuoteRules]:
    """Every rule on, then each rule of :class:`QuoteRules` switched off alone, then every rule off; the
    ranker off in all (it is trained and scored per fold, see :func:`evaluate`)."""
    names = [f.name for f in fields(QuoteRules) if f.name != "ranked_speaker"]
    base = replace(QuoteRules(), ranked_speaker=False)
    alone = [replace(base, **{name: False}) for name in names]
    return [base, *alone, replace(base, **dict.fromkeys(names, False))]


def fold_of(doc_id: str) -> int:
    """A document's fold, from a hash of its id (stable across runs and machines)."""
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % FOLDS


def _objective(figures: Figures) -> float:
    return figures.speaker("all") + figures.f1


def _total(per_doc: Sequence[Counter[str]], folds: Sequence[int], keep: Collection[int]) -> Figures:
    """The figures over the documents whose fold is in ``keep``."""
    total: Counter[str] = Counter()
    for fold, counts in zip(folds, per_doc, strict=True):
        if fold in keep:
            total.update(counts)
    return Figures(total)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """In-sample (every rule on), cross-validated, and baseline figures, with the rules each fold chose."""

    in_sample: Figures  # every rule on, with the shipped speaker ranker (fitted on every document)
    cross_validated: Figures  # rules chosen and the ranker fitted on the other folds
    rules_only: Figures  # cross-validated without the ranker
    baseline: Figures
    chosen: tuple[QuoteRules, ...]
    docs: int
    ablations: tuple[tuple[str, Figures], ...]  # in-sample, each candidate set of rules (no ranker)


@functools.lru_cache(maxsize=2)
def evaluate(corpus: Path, model: str = DEFAULT_MODEL) -> Evaluation:
    """Score the set in-sample and with rules chosen on folds of documents."""
    docs = load_docs(corpus, model)
    configs = rule_sets()
    per_config = [
        [count_doc(doc, extract_quotes(doc.body, doc.mentions, rules=rules)) for doc in docs]
        for rules in configs
    ]
    folds = [fold_of(doc.doc_id) for doc in docs]
    rows = [_speakers.doc_rows(doc) for doc in docs]
    held_out: Counter[str] = Counter()
    rules_only: Counter[str] = Counter()
    chosen = []
    everything = set(range(FOLDS))
    for fold in range(FOLDS):
        training = everything - {fold}
        scores = [_objective(_total(counts, folds, training)) for counts in per_config]
        best = scores.index(max(scores))  # ties go to the earlier combination, which has more rules on
        rules = replace(configs[best], ranked_speaker=True)
        chosen.append(rules)
        rules_only.update(_total(per_config[best], folds, {fold}).counts)
        model = _speakers.fit([r for r, f in zip(rows, folds, strict=True) if f != fold])
        for doc, doc_fold in zip(docs, folds, strict=True):
            if doc_fold == fold:
                held_out.update(
                    count_doc(doc, extract_quotes(doc.body, doc.mentions, rules=rules, model=model))
                )
    shipped = [count_doc(doc, extract_quotes(doc.body, doc.mentions)) for doc in docs]
    baseline: Counter[str] = Counter()
    for doc in docs:
        baseline.update(count_baseline(doc))
    ablations = tuple(
        (_rules_off(rules), _total(counts, folds, everything))
        for rules, counts in zip(configs, per_config, strict=True)
    )
    return Evaluation(
        _total(shipped, folds, everything),
        Figures(held_out),
        Figures(rules_only),
        Figures(baseline),
        tuple(chosen),
        len(docs),
        ablations,
    )


def _rules_off(rules: QuoteRules) -> str:
    off = [f.name for f in fields(rules) if not getattr(rules, f.name) and f.name != "ranked_speaker"]
    if not off:
        return "every rule on, no ranker"
    return "all rules off" if len(off) == len(fields(rules)) - 1 else f"without {', '.join(off)}"


def report(corpus: Path) -> str:
    """Quote detection and speakers on PolNeAR, newsmill in-sample and cross-validated beside the baselines."""
    result = evaluate(corpus)
    rows = [
        (
            "detection P / R / F",
            _prf(result.in_sample),
            _prf(result.cross_validated),
            _prf(result.baseline),
            _prf(result.rules_only),
        ),
        *[
            (
                f"speaker right, {label}",
                _pct(result.in_sample, key),
                _pct(result.cross_validated, key),
                _pct(result.baseline, key),
                _pct(result.rules_only, key),
            )
            for label, key in (
                ("overall (pronouns loose)", "all"),
                ("overall (pronouns strict)", "all_strict"),
                ("named", "named"),
                ("descriptive", "descriptive"),
                ("pronoun strict", "strict"),
                ("pronoun loose", "loose"),
            )
        ],
        (
            "no speaker",
            f"{result.in_sample.no_speaker:.3f}",
            f"{result.cross_validated.no_speaker:.3f}",
            f"{result.baseline.no_speaker:.3f}",
            f"{result.rules_only.no_speaker:.3f}",
        ),
    ]
    counts = result.in_sample.counts
    lines = [
        f"Quotes, PolNeAR dev ({result.docs} documents, {counts['gold']} gold quoted parts; matched with a source: "
        f"{counts['n_named']} named, {counts['n_descriptive']} descriptive, {counts['n_pronoun']} pronoun)",
        "| what | newsmill in-sample | newsmill CV (5 folds) | CV, rules without the ranker | baseline (regex; "
        "nearest PERSON/ORG) |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {a} | {b} | {c} | {e} | {d} |" for a, b, c, d, e in rows],
    ]
    off = {f.name for rules in result.chosen for f in fields(rules) if not getattr(rules, f.name)}
    lines.append(f"rules switched off by some fold: {', '.join(sorted(off)) or 'none'}")
    lines.append("in-sample with rules off (overall / named / no speaker / detection F):")
    for name, figures in result.ablations:
        lines.append(
            f"  {name}: {figures.speaker('all'):.3f} / {figures.speaker('named'):.3f} / "
            f"{figures.no_speaker:.3f} / {figures.f1:.3f}"
        )
    return "\n".join(lines)


def _prf(figures: Figures) -> str:
    return f"{figures.precision:.3f} / {figures.recall:.3f} / {figures.f1:.3f}"


def _pct(figures: Figures, key: str) -> str:
    return f"{figures.speaker(key):.3f}"
