"""One canonical entity per real-world name within an article, with a key that is stable across articles.

Rules, in order:

1. A mention's name is normalised: whitespace collapsed, surrounding quotes/brackets/punctuation removed,
   a leading "the" and a trailing possessive ("'s", "’s") stripped; for PERSON, a leading courtesy or office
   title ("Mr", "Dr", "President") too.
2. A small built-in alias table maps well-known variants to one name ("U.S.", "USA", "America" -> "United
   States"; "Daesh", "ISIL" -> "Islamic State"), only for the labels listed with each alias.
3. Within the article, a PERSON or ORG name joins a longer name of the same label when its words are a
   contiguous run of that name's words ("Hussein" -> "Fuad Hussein", "the Committee" -> "Iraqi Resistance
   Coordination Committee") or its initials, and exactly one such longest name exists. Ambiguous short forms
   ("Hussein" with both "Fuad Hussein" and "Saddam Hussein") stay on their own. Places are never joined this
   way ("Baghdad" is not "Baghdad International Airport").
4. The canonical name is the alias name, else the longest form, else the most frequent; the label is the
   mentions' label (the alias label for aliases).

``entity_key`` is ``LABEL:name`` with the name NFKC-normalised and case-folded, so the same entity gets the
same key in every article.

Salience (0..1) is relative prominence inside the article: each mention scores by where it is (headline 3,
caption 1.5, the body's first sentence 2, any other body sentence 1); an entity's salience is its total
divided by the highest total in the article, so the most prominent entity has 1.0.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from flows.core.models import EntityMention, Section
from schemas.vocabulary import VALUE_LABELS as _VALUE_LABELS
from schemas.vocabulary import LinkMethod


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """One entity of an article with all its mentions counted."""

    entity_key: str
    name: str
    label: str
    mention_count: int
    first_section: Section
    first_start: int  # offset of the first mention in its section's text
    first_order: int  # index of the first mention in the caller's sequence
    salience: float
    surface_forms: tuple[str, ...]  # distinct texts as written, in order of appearance


@dataclass(frozen=True, slots=True)
class MentionLink:
    """Which canonical entity one input mention belongs to; ``order`` is its index in the input."""

    order: int
    entity_key: str
    name: str
    label: str
    method: LinkMethod


@dataclass(frozen=True, slots=True)
class Canonicalization:
    """The article's entities and, aligned with the input, each mention's link to one of them."""

    entities: tuple[CanonicalEntity, ...]
    links: tuple[MentionLink, ...]


@dataclass(frozen=True, slots=True)
class _Alias:
    name: str
    label: str
    labels: frozenset[str]  # mention labels the variants may carry
    variants: tuple[str, ...]  # matched without dots and case
    exact_variants: tuple[str, ...] = ()  # matched as written (all-caps forms that are also English words)


_ALIASES: Final = (
    _Alias(
        "United States",
        "GPE",
        frozenset({"GPE", "ORG", "LOC"}),
        ("us", "usa", "united states", "united states of america", "america", "the states"),
    ),
    _Alias(
        "United Kingdom",
        "GPE",
        frozenset({"GPE", "ORG", "LOC"}),
        (
            "uk",
            "britain",
            "great britain",
            "united kingdom",
            "united kingdom of great britain and northern ireland",
        ),
    ),
    _Alias(
        "Islamic State",
        "ORG",
        frozenset({"ORG", "GPE", "NORP", "PERSON"}),
        (
            "daesh",
            "isis",
            "isil",
            "islamic state",
            "islamic state group",
            "islamic state of iraq and the levant",
            "islamic state of iraq and syria",
        ),
        ("IS",),
    ),
    _Alias("United Nations", "ORG", frozenset({"ORG", "GPE"}), ("un", "united nations")),
    _Alias("European Union", "ORG", frozenset({"ORG", "GPE"}), ("eu", "european union")),
    _Alias(
        "NATO",
        "ORG",
        frozenset({"ORG"}),
        ("nato", "north atlantic treaty organization", "north atlantic treaty organisation"),
    ),
    _Alias("United Arab Emirates", "GPE", frozenset({"GPE", "ORG"}), ("uae", "united arab emirates")),
    _Alias("Soviet Union", "GPE", frozenset({"GPE", "ORG"}), ("ussr", "soviet union")),
    _Alias("Russia", "GPE", frozenset({"GPE"}), ("russia", "russian federation")),
    _Alias(
        "North Korea",
        "GPE",
        frozenset({"GPE"}),
        ("dprk", "north korea", "democratic people's republic of korea"),
    ),
    _Alias("South Korea", "GPE", frozenset({"GPE"}), ("south korea", "republic of korea")),
    _Alias("World Health Organization", "ORG", frozenset({"ORG"}), ("world health organization",), ("WHO",)),
    _Alias("International Monetary Fund", "ORG", frozenset({"ORG"}), ("imf", "international monetary fund")),
    # News agencies and the best-known acronyms of organisations, written in capitals (so "Ap" is not one).
    _Alias("Associated Press", "ORG", frozenset({"ORG"}), ("associated press",), ("AP",)),
    _Alias(
        "Agence France-Presse",
        "ORG",
        frozenset({"ORG"}),
        ("agence france-presse", "agence france presse"),
        ("AFP",),
    ),
    _Alias("General Motors", "ORG", frozenset({"ORG"}), ("general motors",), ("GM",)),
    _Alias(
        "Federal Bureau of Investigation",
        "ORG",
        frozenset({"ORG"}),
        ("federal bureau of investigation",),
        ("FBI",),
    ),
    _Alias(
        "Central Intelligence Agency", "ORG", frozenset({"ORG"}), ("central intelligence agency",), ("CIA",)
    ),
)
_ALIAS_INDEX: Final = {variant: alias for alias in _ALIASES for variant in alias.variants}
_EXACT_ALIAS_INDEX: Final = {variant: alias for alias in _ALIASES for variant in alias.exact_variants}

_JOINABLE_LABELS: Final = frozenset({"PERSON", "ORG"})
# Words that say what legal form a company has: "Apple Inc." is Apple. Left out of ORG keys, and the only
# words a short ORG name may leave out at its end ("Chrysler" is not "Chrysler Aspen").
_LEGAL_FORMS: Final = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "cos",
        "ltd",
        "limited",
        "llc",
        "plc",
        "ag",
        "sa",
        "nv",
        "gmbh",
        "holdings",
        "group",
    ]
)
_LEGAL_SUFFIX_RE: Final = re.compile(
    rf"(?:,?\s+(?:{'|'.join(sorted(_LEGAL_FORMS))})\.?)+$", flags=re.IGNORECASE
)
# Labels a surname may wrongly carry beside the person's full name ("Jobs" as ORG beside "Steve Jobs").
# Not places: "Washington" beside "George Washington" is usually the place.
_MISLABELLED_SURNAME: Final = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART", "FAC", "EVENT"})
_HEADLINE_VOTE: Final = 0.5  # a headline's label counts half: title case misleads the model
_ACRONYM_SKIP: Final = frozenset({"of", "and", "the", "for", "de", "al", "in", "on", "&"})
_SECTION_WEIGHTS: Final = {Section.HEADLINE: 3.0, Section.CAPTION: 1.5, Section.BODY: 1.0}
_LEAD_WEIGHT: Final = 2.0
_PERSON_TITLES_RE: Final = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Gen|Col|Lt|Sgt|Capt|Sen|Rep)\.?|President|Prime\s+Minister|"
    r"(?:Foreign|Defence|Defense|Interior|Finance)\s+Minister|Minister|Sheikh|Senator|General|Colonel)\s+",
)
_EDGE_PUNCTUATION: Final = "\"'“”‘’«»()[]{},;:!?-–— \t\n"
_SPACES_RE: Final = re.compile(r"\s+")
_LEADING_THE_RE: Final = re.compile(r"^the\s+", flags=re.IGNORECASE)
_POSSESSIVE_RE: Final = re.compile(r"(?:['’]s|(?<=s)['’])$")
_INITIAL_AT_END_RE: Final = re.compile(r"(?:^|[\s.])[A-Za-z]\.$")
_WORD_RE: Final = re.compile(r"[\w'’&-]+")
_NAME_CACHE_SIZE: Final = 1 << 16  # distinct (name, label) pairs remembered per process


def normalize_name(text: str, label: str) -> str:
    """The name without edge punctuation, a leading "the", a trailing possessive or a person's title."""
    name = _SPACES_RE.sub(" ", text).strip(_EDGE_PUNCTUATION)
    name = _LEADING_THE_RE.sub("", name)
    name = _POSSESSIVE_RE.sub("", name)
    if name.endswith(".") and not _INITIAL_AT_END_RE.search(name):
        name = name[:-1]  # a sentence full stop, not the end of an abbreviation like "U.S."
    if label == "PERSON":
        name = _PERSON_TITLES_RE.sub("", name)
    return name.strip(_EDGE_PUNCTUATION) or _SPACES_RE.sub(" ", text).strip()


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def entity_key(name: str, label: str) -> str:
    """The same key for the same entity in every article: ``LABEL:case-folded name``."""
    folded = _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()
    if label == "ORG":
        folded = _LEGAL_SUFFIX_RE.sub("", folded).strip(" ,") or folded
    return f"{label}:{folded}"


def resolve_entities(mentions: Sequence[EntityMention]) -> Canonicalization:
    """Group an article's mentions into canonical entities and link every mention to one."""
    labels = one_label_per_name(mentions)
    forms = [_form_of_name(m.text, label) for m, label in zip(mentions, labels, strict=True)]
    targets = _short_form_targets(forms)
    links = tuple(_link(i, form, targets.get(form.key)) for i, form in enumerate(forms))
    entities = _entities(mentions, links)
    names = {entity.entity_key: entity.name for entity in entities}
    linked = tuple(
        link if link.name == names[link.entity_key] else replace(link, name=names[link.entity_key])
        for link in links
    )
    return Canonicalization(entities, linked)


def one_label_per_name(mentions: Sequence[EntityMention]) -> list[str]:
    """Each mention's label for its entity, so that one name has one identity in an article whatever the model
    called each mention: a surname the model labelled ORG (or NORP, PRODUCT...) beside exactly one person's
    full name is that person; otherwise the mentions of one name take the label most of them carry (headline
    mentions count half; a tie goes to the label counted first). Numbers and dates keep theirs."""
    names = [normalize_name(m.text, m.label).casefold() for m in mentions]
    labels = [m.label for m in mentions]
    surnames = _surname_owners(mentions, names)
    votes: dict[str, dict[str, float]] = {}
    for mention, name in zip(mentions, names, strict=True):
        if mention.label in _VALUE_LABELS:
            continue
        label = "PERSON" if name in surnames and mention.label in _MISLABELLED_SURNAME else mention.label
        weight = _HEADLINE_VOTE if mention.section is Section.HEADLINE else 1.0
        tally = votes.setdefault(name, {})
        tally[label] = tally.get(label, 0.0) + weight
    for index, (mention, name) in enumerate(zip(mentions, names, strict=True)):
        counted = votes.get(name)
        if counted is None or (len(counted) == 1 and mention.label in counted):
            continue
        labels[index] = max(counted, key=counted.__getitem__)  # ties: the first label counted
    return labels


def _surname_owners(mentions: Sequence[EntityMention], names: Sequence[str]) -> frozenset[str]:
    """One-word names that end exactly one person's full name in the article and start no longer ORG name."""
    owners: dict[str, set[str]] = {}
    org_heads = set()
    for mention, name in zip(mentions, names, strict=True):
        words = name.split()
        if len(words) > 1 and mention.label == "PERSON":
            owners.setdefault(words[-1], set()).add(name)
        elif len(words) > 1 and mention.label == "ORG":
            org_heads.add(words[0])
    return frozenset(word for word, full in owners.items() if len(full) == 1 and word not in org_heads)


def canonicalize(mentions: Sequence[EntityMention]) -> tuple[CanonicalEntity, ...]:
    """The article's canonical entities, in order of first appearance."""
    return resolve_entities(mentions).entities


def link_mentions(mentions: Sequence[EntityMention]) -> tuple[MentionLink, ...]:
    """For each input mention, in input order, the canonical entity it belongs to."""
    return resolve_entities(mentions).links


def expand_short_form(name: str, label: str, names: Iterable[tuple[str, str]]) -> str:
    """The one longer name of the same label that ``name`` is a short form of, else ``name`` itself."""
    return full_names([(name, label), *names])[(name, label)]


def full_names(
    names: Iterable[tuple[str, str]], wanted: Iterable[tuple[str, str]] | None = None
) -> dict[tuple[str, str], str]:
    """For each (text, label), its canonical name among these names: rules 1-3 of the module docstring.

    With ``wanted`` (some of the names), only those are looked up: the others are still the longer names
    a wanted one may join.
    """
    pairs = list(dict.fromkeys(names))
    asked = pairs if wanted is None else list(dict.fromkeys(wanted))
    if not asked:
        return {}
    forms = [_form_of_name(text, label) for text, label in pairs]
    asked_forms = [_form_of_name(text, label) for text, label in asked]
    targets = _short_form_targets(forms, {form.key for form in asked_forms})
    return {pair: targets.get(form.key, form).name for pair, form in zip(asked, asked_forms, strict=True)}


# --- forms -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Form:
    key: tuple[str, str]  # (label, case-folded name)
    name: str
    label: str
    words: tuple[str, ...]  # case-folded
    alias: bool
    variant: bool  # written differently from the canonical name
    # the name's letters, case-folded, when it is written like an acronym ("U.N.", "IRCC")
    acronym: str | None
    initials: str  # of the words that count in an acronym

    @classmethod
    def of(cls, key: tuple[str, str], name: str, label: str, *, alias: bool, variant: bool) -> _Form:
        words = _words(name)
        letters = name.replace(".", "")
        like_acronym = 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()
        acronym = letters.casefold() if like_acronym else None
        initials = "".join(word[0] for word in words if word not in _ACRONYM_SKIP)
        return cls(key, name, label, words, alias, variant, acronym, initials)


def _form_of(mention: EntityMention) -> _Form:
    return _form_of_name(mention.text, mention.label)


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)  # names recur across a batch's articles; forms are frozen
def _form_of_name(text: str, label: str) -> _Form:
    name = normalize_name(text, label)
    alias = _alias_for(name, label)
    if alias is not None:
        return _Form.of(
            (alias.label, alias.name.casefold()), alias.name, alias.label, alias=True, variant=True
        )
    variant = name != _SPACES_RE.sub(" ", text).strip()
    return _Form.of((label, name.casefold()), name, label, alias=False, variant=variant)


def _alias_for(name: str, label: str) -> _Alias | None:
    alias = _EXACT_ALIAS_INDEX.get(name) or _ALIAS_INDEX.get(
        _SPACES_RE.sub(" ", name.replace(".", "")).casefold()
    )
    return alias if alias is not None and label in alias.labels else None


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def _words(name: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(name.casefold()))


def _short_form_targets(
    forms: Sequence[_Form], only: Collection[tuple[str, str]] | None = None
) -> dict[tuple[str, str], _Form]:
    """For each joinable form (or each whose key is in ``only``), the single longest form of the same label
    that contains it."""
    # only these labels join, and only names of their own label
    distinct = {f.key: f for f in forms if f.label in _JOINABLE_LABELS}
    by_word: dict[tuple[str, str], list[_Form]] = {}  # (label, word): a form only joins one of its label
    acronym_hosts: dict[str, list[_Form]] = {}
    for form in distinct.values():
        for word in set(form.words):
            by_word.setdefault((form.label, word), []).append(form)
        if len(form.words) > 1:
            acronym_hosts.setdefault(form.label, []).append(form)
    targets: dict[tuple[str, str], _Form] = {}
    for form in distinct.values():
        if form.alias or not form.words or (only is not None and form.key not in only):
            continue
        # a longer name that does not hold the form's first word can only be one it is the acronym of
        hosts = acronym_hosts.get(form.label, []) if len(form.words) == 1 and form.acronym else []
        pool = by_word.get((form.label, form.words[0]), []) + hosts
        containing = list({g.key: g for g in pool if g.key != form.key and _is_part_of(form, g)}.values())
        longest = [g for g in containing if not any(_is_part_of(g, h) for h in containing if h.key != g.key)]
        if len(longest) == 1:
            targets[form.key] = longest[0]
    return targets


def _is_part_of(short: _Form, long: _Form) -> bool:
    if short.label != long.label:
        return False
    if len(short.words) < len(long.words) and _contains_run(long.words, short.words):
        return short.label != "ORG" or _ends_org_name(short.words, long.words)
    return _is_acronym_of(short, long)


def _ends_org_name(run: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """An ORG short form names the same thing only as the end of the longer name, bar its legal form
    ("Committee" of "Iraqi Resistance Coordination Committee", "Apple" of "Apple Inc"); a name's first or middle
    words are another thing ("House" is not "House Freedom Caucus")."""
    rest = list(words)
    while rest and rest[-1].strip(".") in _LEGAL_FORMS:
        rest.pop()
    return tuple(rest[-len(run) :]) == run


def _contains_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    """``run`` appears in ``words`` as consecutive words (looked for only where its first word is)."""
    if not run:
        return True
    start = 0
    while run[0] in words[start:]:
        at = words.index(run[0], start)
        if words[at : at + len(run)] == run:
            return True
        start = at + 1
    return False


def _is_acronym_of(short: _Form, long: _Form) -> bool:
    return (
        short.label == long.label
        and short.acronym is not None
        and len(long.words) > 1
        and long.initials == short.acronym
    )


def _link(order: int, form: _Form, target: _Form | None) -> MentionLink:
    if target is not None:
        method = LinkMethod.ACRONYM if _is_acronym_of(form, target) else LinkMethod.SHORT_FORM
        return MentionLink(order, entity_key(target.name, target.label), target.name, target.label, method)
    method = LinkMethod.ALIAS if form.alias else LinkMethod.VARIANT if form.variant else LinkMethod.EXACT
    return MentionLink(order, entity_key(form.name, form.label), form.name, form.label, method)


# --- entities ---------------------------------------------------------------------------------------------


def _entities(mentions: Sequence[EntityMention], links: Sequence[MentionLink]) -> tuple[CanonicalEntity, ...]:
    groups: dict[str, list[int]] = {}
    for link in links:
        groups.setdefault(link.entity_key, []).append(link.order)
    scores = {key: sum(_mention_weight(mentions[i]) for i in orders) for key, orders in groups.items()}
    top = max(scores.values(), default=1.0)
    return tuple(_entity(mentions, links, orders, scores[key] / top) for key, orders in groups.items())


def _entity(
    mentions: Sequence[EntityMention], links: Sequence[MentionLink], orders: list[int], salience: float
) -> CanonicalEntity:
    first = orders[0]
    counts: dict[str, int] = {}  # a plain dict: building a Counter costs more than the rest of this function
    for i in orders:
        counts[links[i].name] = counts.get(links[i].name, 0) + 1
    name = max(counts, key=lambda n: (len(_words(n)), counts[n]))
    return CanonicalEntity(
        entity_key=links[first].entity_key,
        name=name,
        label=links[first].label,
        mention_count=len(orders),
        first_section=mentions[first].section,
        first_start=mentions[first].start_char,
        first_order=first,
        salience=round(salience, 4),
        surface_forms=tuple(dict.fromkeys(mentions[i].text for i in orders)),
    )


def _mention_weight(mention: EntityMention) -> float:
    if mention.section is Section.BODY and mention.sentence_index == 0:
        return _LEAD_WEIGHT
    return _SECTION_WEIGHTS.get(mention.section, 1.0)
