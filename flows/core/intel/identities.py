"""One identity per entity across articles: each article-level ``entity_key`` mapped to the key of its identity.

Pure: a function of the set of (article_id, entity_key, canonical_name, label) rows of the current articles
(the ``article_entities`` table), nothing else; the rows go in and the identities come out as polars frames,
since the output holds many thousands of keys.
The input's order, how the rows were batched, chunked or split into runs do not change the result, so the
``entity_identities`` table it fills is the same whether the articles came in one run or in many.

The rules are the identity rules of :mod:`flows.core.intel.canonical` (rule 5), run over every key of the
output at once instead of one article's keys:

* **written together / trade** (``trade_name``): an ORG name that is another key's name written together
  ("ExxonMobil", "Exxon Mobil") or with one word of its trade more ("Apple Computer" beside "Apple") joins the
  bare name, unless two different trades share that core ("American Airlines", "American Industries").
* **acronym** (``acronym``): an ORG written as an acronym ("GM", "AP") joins the one longer ORG name of the
  output with those initials ("General Motors", "Associated Press"); two such names leave it apart.
* **surname** (``surname``): a one-word PERSON name joins a longer PERSON name it ends ("Johnson" -> "Mike
  Johnson") only on evidence: an article naming the surname and an article naming that full name share another
  entity (after the ORG rules: "House", "Federal Reserve"), and exactly one full name ending that surname has
  such evidence. A lone "Smith" with nothing in common with the articles of "Adam Smith" stays apart, and so
  does a "Johnson" whose articles share entities with both "Boris Johnson"'s and "Mike Johnson"'s.
* otherwise a key is its own identity (``own``). Different full names never join ("House" and "House Freedom
  Caucus", "Chrysler" and "Chrysler Aspen" are different keys and no rule above moves one to the other).

A key can carry different names in different articles (an ORG key leaves out the legal form: "Apple Inc." and
"Apple" are both ``ORG:apple``); it takes the name most of its rows give it, ties to the first in code-point
order. Moves are followed to their end, so every identity key is its own identity.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from flows.core.intel.canonical import identity_rules, surname_owners
from schemas.vocabulary import IdentityRule

ENTITY_COLUMNS = ("article_id", "entity_key", "canonical_name", "label")  # the rows read (article_entities)
IDENTITY_COLUMNS = ("entity_key", "identity_key", "identity_name", "label", "rule")  # the rows computed
_KEYS = ("entity_key", "identity_key")


def cross_article_identities(rows: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Every distinct entity_key of the rows (:data:`ENTITY_COLUMNS`) with its identity
    (:data:`IDENTITY_COLUMNS`), sorted by entity_key.

    The rows may be lazy (a scan of the ``article_entities`` table): they are then read in streaming passes
    that keep one row per key, one per article and a pair of integers per row, never the rows' text.
    """
    rows = rows.lazy()
    names = key_names(rows)
    named = {key: (name, label) for key, name, label in names.iter_rows()}
    moves = identity_rules(named, surnames=False)
    moves.update(_surnames_on_evidence(rows, named, moves))
    ends = {key: _follow(key, moves) for key in moves}
    moved = pl.DataFrame(
        {
            "entity_key": list(ends),
            "identity_key": [target for target, _rule in ends.values()],
            "rule": [rule.value for _target, rule in ends.values()],
        },
        schema={"entity_key": pl.Utf8, "identity_key": pl.Utf8, "rule": pl.Utf8},
    )
    identity_names = names.select(pl.col("entity_key").alias("identity_key"), pl.col("canonical_name"))
    return (
        names.join(moved, on="entity_key", how="left")
        .with_columns(
            pl.col("identity_key").fill_null(pl.col("entity_key")),
            pl.col("rule").fill_null(IdentityRule.OWN.value),
        )
        .drop("canonical_name")
        .join(identity_names, on="identity_key", how="left")
        .rename({"canonical_name": "identity_name"})
        .select(IDENTITY_COLUMNS)
        .sort("entity_key")
    )


def key_names(rows: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """One (entity_key, canonical_name, label) per key: the name and label most rows give it, ties to the
    smallest in code-point order (so the choice never depends on the rows' order)."""
    counted = rows.lazy().group_by("entity_key", "canonical_name", "label").len().collect(engine="streaming")
    return (
        counted.sort(["entity_key", "len", "canonical_name", "label"], descending=[False, True, False, False])
        .unique("entity_key", keep="first", maintain_order=True)
        .select("entity_key", "canonical_name", "label")
    )


def _surnames_on_evidence(
    rows: pl.LazyFrame,
    names: Mapping[str, tuple[str, str]],
    moves: Mapping[str, tuple[str, IdentityRule]],
) -> dict[str, tuple[str, IdentityRule]]:
    """One-word PERSON keys moved to the one full name they end whose articles share another entity with theirs
    (the module docstring). Keys and articles are numbered first: the joins run on integers."""
    owners = surname_owners(names)
    if not owners:
        return {}
    keys = list(names)
    number = {key: n for n, key in enumerate(keys)}
    pairs = pl.DataFrame(
        [(number[surname], number[full]) for surname, fulls in owners.items() for full in fulls],
        schema={"surname": pl.UInt32, "full": pl.UInt32},
        orient="row",
    )
    articles = _numbered_mentions(rows, keys).with_columns(
        # the ORG rules applied: "Apple Computer" in one article is "Apple" in another
        pl.col("key")
        .replace([number[key] for key in moves], [number[target] for target, _rule in moves.values()])
        .alias("context")
    )

    def contexts(wanted: pl.Series, as_name: str) -> pl.DataFrame:
        named = articles.filter(pl.col("key").is_in(wanted.implode()))
        return (
            named.select("article", pl.col("key").alias(as_name))
            .join(articles.select("article", "context"), on="article")
            .select(as_name, "context")
            .unique()
        )

    candidates = pl.concat([pairs.rename({"full": "context"}), pairs.select("surname", context="surname")])
    around_surnames = contexts(pairs["surname"].unique(), "surname").join(
        candidates,
        on=["surname", "context"],
        how="anti",  # the surname and its full names prove nothing
    )
    supported = (
        pairs.join(contexts(pairs["full"].unique(), "full"), on="full")
        .join(around_surnames, on=["surname", "context"], how="semi")
        .select("surname", "full")
        .unique()
        .group_by("surname")
        .agg(pl.col("full").first(), pl.len())
        .filter(pl.col("len") == 1)
    )
    return {keys[surname]: (keys[full], IdentityRule.SURNAME) for surname, full, _n in supported.iter_rows()}


def _numbered_mentions(rows: pl.LazyFrame, keys: list[str]) -> pl.DataFrame:
    """(article, key): each row's article and entity_key as numbers (articles in order of their ids, keys as
    ``keys`` lists them), the only form in which every row is held at once."""
    index = pl.LazyFrame({"entity_key": keys, "key": pl.Series(range(len(keys)), dtype=pl.UInt32)})
    article_ids = rows.select("article_id").unique().collect(engine="streaming")["article_id"].sort()
    numbered = pl.LazyFrame(
        {"article_id": article_ids, "article": pl.Series(range(len(article_ids)), dtype=pl.UInt32)}
    )
    return (
        rows.select("article_id", "entity_key")
        .join(numbered, on="article_id")
        .join(index, on="entity_key")
        .select("article", "key")
        .collect(engine="streaming")
    )


def _follow(key: str, moves: Mapping[str, tuple[str, IdentityRule]]) -> tuple[str, IdentityRule]:
    """The end of ``key``'s moves and the rule of its first move."""
    target, rule = moves[key]
    seen = {key}
    while target in moves and target not in seen:  # the rules make no cycle; stop on one all the same
        seen.add(target)
        target = moves[target][0]
    return target, rule
