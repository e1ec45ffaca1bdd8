"""One identity per entity across articles: each article-level ``entity_key`` mapped to the key of its identity.

Pure: a function of the set of (article_id, entity_key, canonical_name, label) rows of the current articles
(the ``article_entities`` table), nothing else.
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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flows.core.intel.canonical import identity_rules, surname_owners
from schemas.vocabulary import IdentityRule

EntityRow = tuple[str, str, str, str]  # (article_id, entity_key, canonical_name, label): one article's entity


@dataclass(frozen=True, slots=True)
class EntityIdentity:
    """One article-level key and the cross-article identity it belongs to."""

    entity_key: str
    identity_key: str  # the entity_key that stands for the identity (its own identity)
    identity_name: str
    label: str
    rule: IdentityRule  # how entity_key joined identity_key; OWN when they are equal


def cross_article_identities(rows: Iterable[EntityRow]) -> list[EntityIdentity]:
    """Every distinct entity_key of the rows with its identity, sorted by key."""
    rows = list(rows)
    names = key_names((key, name, label) for _article, key, name, label in rows)
    moves = identity_rules(names, surnames=False)
    moves.update(_surnames_on_evidence(rows, names, moves))
    found = []
    for key in sorted(names):
        target, rule = _follow(key, moves)
        found.append(EntityIdentity(key, target, names[target][0], names[key][1], rule))
    return found


def key_names(rows: Iterable[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """For (entity_key, canonical_name, label) rows, one (name, label) per key: the pair most rows give it, ties
    to the smallest in code-point order (so the choice never depends on the rows' order)."""
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for key, name, label in rows:
        counts.setdefault(key, Counter())[(name, label)] += 1
    return {key: min(named, key=lambda pair: (-named[pair], pair)) for key, named in counts.items()}


def _surnames_on_evidence(
    rows: Sequence[EntityRow],
    names: Mapping[str, tuple[str, str]],
    moves: Mapping[str, tuple[str, IdentityRule]],
) -> dict[str, tuple[str, IdentityRule]]:
    """One-word PERSON keys moved to the one full name they end that shares context with them (module
    docstring)."""
    owners = surname_owners(names)
    if not owners:
        return {}
    wanted = set(owners) | {key for full in owners.values() for key in full}
    context: dict[str, set[str]] = {}  # article: its keys, ORG moves applied
    articles: dict[str, set[str]] = {}  # key (a surname or a full name): the articles naming it
    for article, key, _name, _label in rows:
        context.setdefault(article, set()).add(moves[key][0] if key in moves else key)
        if key in wanted:
            articles.setdefault(key, set()).add(article)

    def around(key: str) -> set[str]:
        return set().union(*(context[article] for article in articles[key]))

    found = {}
    for surname, full_names in owners.items():
        near = around(surname) - {surname, *full_names}
        supported = [full for full in full_names if near & around(full)]
        if len(supported) == 1:
            found[surname] = (supported[0], IdentityRule.SURNAME)
    return found


def _follow(key: str, moves: Mapping[str, tuple[str, IdentityRule]]) -> tuple[str, IdentityRule]:
    """The end of ``key``'s moves and the rule of its first move (OWN when it does not move)."""
    if key not in moves:
        return key, IdentityRule.OWN
    target, rule = moves[key]
    seen = {key}
    while target in moves and target not in seen:  # the rules make no cycle; stop on one all the same
        seen.add(target)
        target = moves[target][0]
    return target, rule
