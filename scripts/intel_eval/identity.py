"""One identity per entity, within an article and across articles, on hand-written articles.

The set is ``tests/data/identity_articles.txt`` (written for newsmill: no outside text), a few dozen short
articles whose entity mentions are marked with the label a model might give (some wrong on purpose) and the
real-world entity they name. The traps are names that must join ("Apple", "Apple Inc.", "Apple Computer";
"GM", "General Motors"; "AP", "The Associated Press"; "ExxonMobil", "Exxon Mobil Corp.") and names that must
not ("House" and "House Freedom Caucus", "Chrysler" and "Chrysler Aspen", "Reuters" and "Thomson Reuters
Trust Principles", "Apple Music", "General Electric", "Ford" the company and the people of that name).

* **Within an article**, pairwise over its mentions: a pair is predicted together when both mentions get the
  same ``entity_key``, and is together in truth when both name the same entity. Precision, recall and F are
  summed over articles.
* **Across articles**, pairwise over the entities of different articles: each article's entity (a gold id in
  that article) takes the key most of its mentions get; a pair of entities of two articles is predicted
  together when their keys are equal.
* Three systems: newsmill's keys per article (:func:`flows.core.intel.canonical.resolve_entities`), the same
  moved to the batch's identities (:func:`batch_identities` over the whole set as one batch, as the flow does
  per batch), and the baseline key ``LABEL:text as written, case-folded``.

The rules are written, not fitted, so there are no folds; the set is small and every figure is in-sample.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import polars as pl

from flows.core.intel.analysis import with_own_identities
from flows.core.intel.canonical import batch_identities, rekey, resolve_entities
from flows.core.intel.identities import ENTITY_COLUMNS, cross_article_identities
from flows.core.models import EntityMention, Section

SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "identity_articles.txt"
_MARK_RE = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+)\|([\w-]+)\]")


@dataclass(frozen=True, slots=True)
class Article:
    """One hand-written article: its text, its mentions and each mention's gold entity."""

    article_id: str
    text: str
    mentions: tuple[EntityMention, ...]
    gold: tuple[str, ...]


def parse_set(source: str) -> list[Article]:
    """The articles of the set's text (blocks opened by "## id"; mentions written [surface|LABEL|gold])."""
    articles = []
    for block in re.split(r"^## ", source, flags=re.MULTILINE)[1:]:
        article_id, _, body = block.partition("\n")
        text, mentions, gold = "", [], []
        at = 0
        marked = body.strip()
        for match in _MARK_RE.finditer(marked):
            text += marked[at : match.start()]
            surface, label, entity = match.groups()
            start = len(text)
            text += surface
            sentence = text[:start].count(". ")
            mentions.append(
                EntityMention(article_id.strip(), Section.BODY, start, len(text), surface, label, sentence)
            )
            gold.append(entity)
            at = match.end()
        text += marked[at:]
        articles.append(Article(article_id.strip(), text, tuple(mentions), tuple(gold)))
    return articles


def load_set(path: Path = SET) -> list[Article]:
    return parse_set(path.read_text(encoding="utf-8"))


# --- systems: each gives every mention of every article a key -------------------------------------------


def article_keys(articles: Sequence[Article]) -> list[list[str]]:
    """newsmill's keys, each article on its own."""
    return [[link.entity_key for link in resolve_entities(a.mentions).links] for a in articles]


def flow_keys(articles: Sequence[Article]) -> list[list[str]]:
    """newsmill's keys as the flow gives them: the identity rules among each article's own entities."""
    return [
        [link.entity_key for link in with_own_identities(a.mentions, resolve_entities(a.mentions)).links]
        for a in articles
    ]


def identity_keys(articles: Sequence[Article]) -> list[list[str]]:
    """The flow's keys joined on the ``entity_identities`` table: each article-level key moved to its identity
    (:func:`flows.core.intel.identities.cross_article_identities` over every article's entities, as the commit
    computes it over the output's current articles)."""
    keys = flow_keys(articles)
    resolved = [with_own_identities(a.mentions, resolve_entities(a.mentions)) for a in articles]
    rows = [
        (a.article_id, e.entity_key, e.name, e.label)
        for a, resolution in zip(articles, resolved, strict=True)
        for e in resolution.entities
    ]
    table = cross_article_identities(pl.DataFrame(rows, schema=list(ENTITY_COLUMNS), orient="row"))
    identity = dict(table.select("entity_key", "identity_key").iter_rows())
    return [[identity[key] for key in own] for own in keys]


def batch_keys(articles: Sequence[Article]) -> list[list[str]]:
    """The identity rules over the whole set taken as one batch (not what the flow does: an article's rows must
    not depend on the other articles of its chunk); the reach of a cross-article identity step."""
    resolved = [resolve_entities(a.mentions) for a in articles]
    identities = batch_identities(
        (e.entity_key, e.name, e.label) for resolution in resolved for e in resolution.entities
    )
    return [
        [link.entity_key for link in rekey(a.mentions, resolution, identities).links]
        for a, resolution in zip(articles, resolved, strict=True)
    ]


def exact_keys(articles: Sequence[Article]) -> list[list[str]]:
    """The baseline: the label and the text as written, case-folded."""
    return [[f"{m.label}:{m.text.casefold()}" for m in a.mentions] for a in articles]


# --- scoring ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pairs:
    """Pair counts: predicted together and right, predicted together, together in truth."""

    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def within(articles: Sequence[Article], keys: Sequence[Sequence[str]]) -> Pairs:
    """Pairs of mentions inside each article."""
    tp = predicted = gold = 0
    for article, own in zip(articles, keys, strict=True):
        for i, j in combinations(range(len(own)), 2):
            same_key, same_gold = own[i] == own[j], article.gold[i] == article.gold[j]
            tp += same_key and same_gold
            predicted += same_key
            gold += same_gold
    return Pairs(tp, predicted, gold)


def article_entities(
    articles: Sequence[Article], keys: Sequence[Sequence[str]]
) -> list[tuple[int, str, str]]:
    """(article index, gold id, key most of its mentions get) for each entity of each article."""
    found = []
    for index, (article, own) in enumerate(zip(articles, keys, strict=True)):
        by_gold: dict[str, Counter[str]] = {}
        for gold, key in zip(article.gold, own, strict=True):
            by_gold.setdefault(gold, Counter())[key] += 1
        found += [(index, gold, counts.most_common(1)[0][0]) for gold, counts in by_gold.items()]
    return found


def across(articles: Sequence[Article], keys: Sequence[Sequence[str]]) -> Pairs:
    """Pairs of entities of different articles."""
    tp = predicted = gold = 0
    for (a, gold_a, key_a), (b, gold_b, key_b) in combinations(article_entities(articles, keys), 2):
        if a == b:
            continue
        tp += key_a == key_b and gold_a == gold_b
        predicted += key_a == key_b
        gold += gold_a == gold_b
    return Pairs(tp, predicted, gold)


SYSTEMS: dict[str, Callable[[Sequence[Article]], list[list[str]]]] = {
    "newsmill (the flow)": flow_keys,
    "newsmill joined on entity_identities": identity_keys,
    "newsmill, keys per article": article_keys,
    "identity rules over the whole set (not in the flow)": batch_keys,
    "baseline: exact text": exact_keys,
}


def figures(articles: Sequence[Article] | None = None) -> dict[str, dict[str, float]]:
    """Each system's within-article F and across-article recall and precision."""
    articles = load_set() if articles is None else articles
    result = {}
    for name, system in SYSTEMS.items():
        keys = system(articles)
        inside, between = within(articles, keys), across(articles, keys)
        result[name] = {
            "within_precision": inside.precision,
            "within_recall": inside.recall,
            "within_f1": inside.f1,
            "across_recall": between.recall,
            "across_precision": between.precision,
        }
    return result


def report(corpus: Path) -> str:  # the runner's signature: this set lives in the repository, not the corpus
    """Entity identity on the hand-written set: newsmill (batch and per article) beside exact text."""
    articles = load_set()
    mentions = sum(len(a.mentions) for a in articles)
    lines = [
        f"Entity identity, hand-written set ({len(articles)} articles, {mentions} mentions, "
        f"{len({g for a in articles for g in a.gold})} entities)",
        "| system | within P / R / F | across recall | across precision |",
        "| --- | --- | --- | --- |",
    ]
    for name, f in figures(articles).items():
        lines.append(
            f"| {name} | {f['within_precision']:.3f} / {f['within_recall']:.3f} / {f['within_f1']:.3f} | "
            f"{f['across_recall']:.3f} | {f['across_precision']:.3f} |"
        )
    return "\n".join(lines)
