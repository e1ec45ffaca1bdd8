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
5. Across the articles of a batch (:func:`batch_identities`, then :func:`rekey` on each article), a key moves
   to the key of the same entity named in full in another article: an ORG acronym ("GM", "IBM Corp.") to the
   one longer ORG name of the batch with those initials; an ORG name with a word of its trade ("Apple
   Computer", "Cisco Systems", "Delta Air Lines") or written together ("ExxonMobil") to the bare name another
   article writes ("Apple", "Exxon Mobil"), unless names of two different trades share that core; a one-word
   PERSON name to the one full name of the batch it ends ("Lagarde" -> "Christine Lagarde"). Ambiguous names
   stay as they are; the alias table of rule 2 backs the best-known acronyms where the batch lacks the full
   name, and yields to an article's own long name with those initials ("Culinary Institute of America
   (CIA)").

In rule 3, an ORG short form may leave out the longer name's legal form ("Inc", "Co.", "& Co.") and words of
its trade ("Computer", "Motors", "Systems") at its end: "Apple" joins "Apple Computer", never "Apple Music".

``entity_key`` is ``LABEL:name`` with the name NFKC-normalised and case-folded (an ORG's legal form left out),
so the same name gets the same key in every article; rule 5 gives the other names of one entity that key
within a batch.

Salience (0..1) is relative prominence inside the article: each mention scores by where it is (headline 3,
caption 1.5, the body's first sentence 2, any other body sentence 1); an entity's salience is its total
divided by the highest total in the article, so the most prominent entity has 1.0.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from flows.core.models import EntityMention, Section
from schemas.vocabulary import VALUE_LABELS as _VALUE_LABELS
from schemas.vocabulary import IdentityRule, LinkMethod


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
# Words that say what trade a company is in, which its short name leaves out: "Apple Computer" is Apple, "Cisco
# Systems" is Cisco. Like legal forms, the only other words a short ORG name may leave out at its end.
_TRADE_WORDS: Final = frozenset(
    [
        "computer",
        "computers",
        "motor",
        "motors",
        "technologies",
        "systems",
        "pharmaceuticals",
        "industries",
        "airlines",
        "airways",
        "communications",
        "entertainment",
        "enterprises",
        "electronics",
        "air",
        "lines",
    ]
)
_LEGAL_SUFFIX_RE: Final = re.compile(
    rf"(?:,?\s+(?:&\s+)?(?:{'|'.join(sorted(_LEGAL_FORMS))})\.?)+$", flags=re.IGNORECASE
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
    r"(?:Foreign|Defence|Defense|Interior|Finance)\s+Minister|Minister|Sheikh|Senator|General|Colonel|Speaker|"
    r"Mayor|Governor|Gov\.|Chancellor|Judge|Coach)\s+(?=\S)",
)
_EDGE_PUNCTUATION: Final = "\"'“”‘’«»()[]{},;:!?-–— \t\n"
_SPACES_RE: Final = re.compile(r"\s+")
_LEADING_THE_RE: Final = re.compile(r"^the\s+", flags=re.IGNORECASE)
_POSSESSIVE_RE: Final = re.compile(r"(?:['’]s|(?<=s)['’])$")
_INITIAL_AT_END_RE: Final = re.compile(r"(?:^|[\s.])[A-Za-z]\.$")
_WORD_RE: Final = re.compile(r"[\w'’&-]+")
_NAME_CACHE_SIZE: Final = 1 << 16  # distinct (name, label) pairs remembered per process


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)  # an article names each of its entities several times
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
    forms = _own_acronyms_first(
        [_form_of_name(m.text, label) for m, label in zip(mentions, labels, strict=True)],
        [(m.text, label) for m, label in zip(mentions, labels, strict=True)],
    )
    targets = _short_form_targets(forms)
    links = tuple(_link(i, form, targets.get(form.key)) for i, form in enumerate(forms))
    entities = _entities(mentions, links)
    names = {entity.entity_key: entity.name for entity in entities}
    linked = tuple(
        link if link.name == names[link.entity_key] else replace(link, name=names[link.entity_key])
        for link in links
    )
    return Canonicalization(entities, linked)


def _own_acronyms_first(forms: list[_Form], texts: Sequence[tuple[str, str]]) -> list[_Form]:
    """An acronym the alias table knows stands for the article's own longer name when the article has one with
    those initials ("The Culinary Institute of America (CIA)" is not the intelligence agency)."""
    aliased = [i for i, form in enumerate(forms) if form.alias]
    if not aliased:
        return forms
    initials = {(f.label, f.initials) for f in forms if len(f.words) > 1 and not f.alias}
    for i in aliased:
        plain = _plain_form(*texts[i])
        if plain.acronym is not None and (plain.label, plain.acronym) in initials:
            forms[i] = plain
    return forms


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


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def _plain_form(text: str, label: str) -> _Form:
    """The form of a name as written, the alias table left aside."""
    name = normalize_name(text, label)
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
    """An ORG short form names the same thing only as the end of the longer name, bar its legal form and trade
    ("Committee" of "Iraqi Resistance Coordination Committee", "Apple" of "Apple Inc" or "Apple Computer"); a
    name's first or middle words are another thing ("House" is not "House Freedom Caucus")."""
    rest = list(words)
    while len(rest) > len(run) and (rest[-1].strip(".") in _LEGAL_FORMS or rest[-1] in _TRADE_WORDS):
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


# --- one identity across the articles of a batch ------------------------------------------------------------


def batch_identities(entities: Iterable[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """For the (key, name, label) of every article's entities in a batch, the keys that another article names
    in full, each with that identity's (key, name): rule 5 of the module docstring."""
    names: dict[str, tuple[str, str]] = {}
    for key, name, label in entities:
        names.setdefault(key, (name, label))
    moved = identity_rules(names)
    return {key: (target, names[target][0]) for key, (target, _rule) in moved.items()}


def identity_rules(
    names: Mapping[str, tuple[str, str]], *, surnames: bool = True
) -> dict[str, tuple[str, IdentityRule]]:
    """For keys with their (name, label), the keys that rule 5 moves, each with its target key and the rule
    (``surnames=False``: the ORG rules only)."""
    orgs = {key: name for key, (name, label) in names.items() if label == "ORG"}
    persons = {key: name for key, (name, label) in names.items() if label == "PERSON"}
    same = _same_core(orgs)
    moved = {key: (target, IdentityRule.TRADE_NAME) for key, target in same.items()}
    moved.update((k, (t, IdentityRule.ACRONYM)) for k, t in _batch_acronyms(orgs, same).items())
    if surnames:
        moved.update((k, (t, IdentityRule.SURNAME)) for k, t in _batch_surnames(persons).items())
    return moved


def surname_owners(names: Mapping[str, tuple[str, str]]) -> dict[str, list[str]]:
    """For each one-word PERSON key, the keys of the longer PERSON names it ends ("lagarde": "christine
    lagarde"), sorted; keys that end none are left out."""
    owners: dict[str, list[str]] = {}
    for key, (name, label) in names.items():
        words = _words(name)
        if label == "PERSON" and len(words) > 1:
            owners.setdefault(words[-1], []).append(key)
    found = {}
    for key, (name, label) in names.items():
        words = _words(name)
        if label == "PERSON" and len(words) == 1 and words[0] in owners:
            found[key] = sorted(owners[words[0]])
    return found


def rekey(
    mentions: Sequence[EntityMention], resolution: Canonicalization, identities: dict[str, tuple[str, str]]
) -> Canonicalization:
    """An article's resolution with its keys moved to the batch's identities (and its entities regrouped)."""
    if not any(link.entity_key in identities for link in resolution.links):
        return resolution
    links = tuple(
        replace(
            link,
            entity_key=identities[link.entity_key][0],
            name=identities[link.entity_key][1],
            method=LinkMethod.BATCH,
        )
        if link.entity_key in identities
        else link
        for link in resolution.links
    )
    entities = _entities(mentions, links)
    names = {entity.entity_key: entity.name for entity in entities}
    return Canonicalization(entities, tuple(replace(link, name=names[link.entity_key]) for link in links))


def _core(name: str) -> tuple[str, ...]:
    """An ORG name's words without its legal form and trade ("Apple Computer Inc." -> apple), at least one word,
    never ending on a small word."""
    words = list(_words(name))
    while len(words) > 1 and (words[-1].strip(".") in _LEGAL_FORMS or words[-1] in _TRADE_WORDS):
        if words[-2] in _ACRONYM_SKIP:
            break
        words.pop()
    return tuple(words)


def _compact(words: tuple[str, ...]) -> str:
    """The words run together, without a web address's "com" ("Amazon.com" is Amazon)."""
    if len(words) > 1 and words[-1] == "com":
        words = words[:-1]
    return re.sub(r"[\s.\-]", "", "".join(words))


def _same_core(orgs: dict[str, str]) -> dict[str, str]:
    """ORG keys whose name is another key's name written together ("ExxonMobil", "Exxon Mobil") or with one
    word of trade more ("Apple Computer" when an article names "Apple"): the key of the bare name. A core that
    two different trades share ("American Airlines", "American Industries") joins nothing."""
    groups: dict[str, list[str]] = {}
    for key, name in orgs.items():
        groups.setdefault(_compact(_core(name)), []).append(key)
    moved: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) < 2:
            continue
        trades = {k: _words(_LEGAL_SUFFIX_RE.sub("", orgs[k]))[len(_core(orgs[k])) :] for k in keys}
        bare = [k for k in keys if not trades[k]]
        if not bare or len({trades[k] for k in keys if k not in bare}) > 1:
            continue
        target = max(bare, key=lambda k: (len(_words(orgs[k])), k))
        moved.update({k: target for k in keys if k != target})
    return moved


def _batch_acronyms(orgs: dict[str, str], moved: dict[str, str]) -> dict[str, str]:
    """An ORG written as an acronym ("GM", "IBM Corp.") that stands for exactly one longer ORG name of the batch
    (its words' initials, with or without its legal form): that name's key."""
    hosts: dict[str, set[str]] = {}
    for key, name in orgs.items():
        words = _words(name)
        for run in {words, _core(name)}:
            initials = "".join(w[0] for w in run if w not in _ACRONYM_SKIP)
            if len(run) > 1 and len(initials) >= 2:
                hosts.setdefault(initials, set()).add(moved.get(key, key))
    found: dict[str, str] = {}
    for key, name in orgs.items():
        letters = _LEGAL_SUFFIX_RE.sub("", name).replace(".", "")
        if not (2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()):
            continue
        targets = hosts.get(letters.casefold(), set()) - {key}
        if len(targets) == 1:
            found[key] = next(iter(targets))
    return found


def _batch_surnames(persons: dict[str, str]) -> dict[str, str]:
    """A one-word PERSON name that ends exactly one longer PERSON name of the batch ("Lagarde" -> "Christine
    Lagarde"): that name's key."""
    owners: dict[str, set[str]] = {}
    for key, name in persons.items():
        words = _words(name)
        if len(words) > 1:
            owners.setdefault(words[-1], set()).add(key)
    found: dict[str, str] = {}
    for key, name in persons.items():
        words = _words(name)
        if len(words) == 1 and len(owners.get(words[0], ())) == 1:
            found[key] = next(iter(owners[words[0]]))
    return found
