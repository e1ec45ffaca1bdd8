"""Entity intelligence for a batch: canonical entities, places, quotes, amounts and dates, per article section.

Pure: takes the articles and their entity mentions (from :mod:`flows.core.nlp.pipeline`) and returns plain records with
offsets into each section's text. The extractors themselves live in :mod:`flows.core.intel.canonical`,
:mod:`flows.core.intel.places`, :mod:`flows.core.intel.quotes`, :mod:`flows.core.intel.amounts` and
:mod:`flows.core.intel.date_mentions`; this module runs them over the headline, caption and body and ties them together
(a quote's speaker to its canonical entity, a place to the countries its article names). The identity rules
(:func:`flows.core.intel.canonical.batch_identities`) run among one article's own entities: an article's rows
depend on that article alone, never on the other articles of its batch or chunk.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flows.core.intel.amounts import Amount, extract_amounts
from flows.core.intel.canonical import (
    CanonicalEntity,
    Canonicalization,
    MentionLink,
    batch_identities,
    rekey,
    resolve_entities,
)
from flows.core.intel.date_mentions import DateMention, resolve_dates
from flows.core.intel.places import (
    CONFIDENCE,
    Geocode,
    context_countries,
    country_of_demonym,
    dateline_anchor,
    geocode,
    home_states,
    qualifying_states,
)
from flows.core.intel.quotes import Quote, extract_quotes
from flows.core.models import Article, EntityMention, MentionKey, Section, SectionSentences
from flows.core.nlp.ner_rules import VALUE_LABELS
from schemas.vocabulary import FeatureType, GeoMethod

PLACE_LABELS = frozenset({"GPE", "LOC"})
# spaCy sometimes calls a city a facility; a FAC is a place only when its name is a city or country.
FAC_AS_PLACE = frozenset({FeatureType.CITY, FeatureType.COUNTRY, FeatureType.ADMIN1})
# An organisation's name that holds a place ("Illinois Skills Match"): the place is recorded, marked embedded.
EMBEDDING_LABELS = frozenset({"ORG"})
EMBEDDED_KINDS = frozenset({FeatureType.COUNTRY, FeatureType.ADMIN1, FeatureType.COUNTY, FeatureType.CITY})
_PLACE_TYPE_WORDS = frozenset({"County", "Parish", "Borough", "Township", "City"})
EMBEDDED_CITY_MIN = 50_000  # people: a smaller town's name is too often a word ("Union", "Liberty")


@dataclass(frozen=True, slots=True)
class ArticleEntity:
    """One canonical entity of one article."""

    article_id: str
    entity: CanonicalEntity


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One place entity of one article with its geocode (the place is None when unresolved)."""

    article_id: str
    entity_key: str
    name: str
    label: str
    geocode: Geocode
    adjectival: bool = False  # a demonym or adjective standing for the place ("Turkish" -> Turkey)
    embedded: bool = (
        False  # a place named inside an organisation's name ("Illinois" in "Illinois Skills Match")
    )


@dataclass(frozen=True, slots=True)
class SectionQuote:
    """A quote in one section, with its speaker's canonical entity when the speaker is a named entity."""

    article_id: str
    section: Section
    quote: Quote
    speaker_entity_key: str | None
    speaker_name: str | None


@dataclass(frozen=True, slots=True)
class SectionAmount:
    """An amount in one section."""

    article_id: str
    section: Section
    amount: Amount


@dataclass(frozen=True, slots=True)
class SectionDate:
    """A date expression in one section, resolved against ``published`` (the article's published day)."""

    article_id: str
    section: Section
    mention: DateMention
    published: date | None


@dataclass(frozen=True, slots=True)
class Intelligence:
    """Everything found in a batch, as records ready to become table rows."""

    links: dict[MentionKey, MentionLink]  # name mentions only: numbers and dates have no canonical entity
    entities: tuple[ArticleEntity, ...]
    places: tuple[PlaceMention, ...]
    quotes: tuple[SectionQuote, ...]
    amounts: tuple[SectionAmount, ...]
    dates: tuple[SectionDate, ...]


def analyse(
    articles: Sequence[Article],
    mentions: Iterable[EntityMention],
    skipped: Collection[str] = (),
    sentences: Iterable[SectionSentences] = (),
) -> Intelligence:
    """Run every extractor over every article not in ``skipped`` (articles in a language the model does not read).

    ``sentences`` are the sections' sentence starts from the tagger, which date mentions read their tense in (a
    section without them is split by :mod:`~flows.core.intel.date_mentions`' own rule). Quotes keep their own
    split, which never cuts a quote.
    """
    starts = {(s.article_id, s.section): s.starts for s in sentences}
    by_article: dict[str, list[EntityMention]] = {}
    for mention in mentions:
        by_article.setdefault(mention.article_id, []).append(mention)
    read = [article for article in articles if article.article_id not in skipped]
    owns = [[m for m in by_article.get(a.article_id, []) if m.label not in VALUE_LABELS] for a in read]
    # Each extractor runs over every article before the next extractor starts: run one article at a time, the
    # five took about a quarter more CPU than each over the articles alone (most likely the processor's caches,
    # each extractor's code and tables pushed out by the others; docs/performance.md). The records come out in
    # the same order either way.
    resolved = [with_own_identities(own, resolve_entities(own)) for own in owns]
    article_links = [
        {m.key: link for m, link in zip(own, resolution.links, strict=True)}
        for own, resolution in zip(owns, resolved, strict=True)
    ]
    links: dict[MentionKey, MentionLink] = {}
    for own_links in article_links:
        links.update(own_links)
    entities = [
        ArticleEntity(a.article_id, entity)
        for a, resolution in zip(read, resolved, strict=True)
        for entity in resolution.entities
    ]
    places = [
        place
        for a, resolution in zip(read, resolved, strict=True)
        for place in places_of(a, resolution.entities)
    ]
    quotes = [
        quote
        for a, own, own_links in zip(read, owns, article_links, strict=True)
        for quote in quotes_of(a, own, own_links)
    ]
    amounts = [
        SectionAmount(a.article_id, section, amount)
        for a in read
        for section, text in a.section_texts().items()
        for amount in extract_amounts(text)
    ]
    days = [published_day(a) for a in read]
    dates = [
        SectionDate(a.article_id, section, mention, published)
        for a, published in zip(read, days, strict=True)
        for section, text in a.section_texts().items()
        for mention in resolve_dates(text, published, sentences=starts.get((a.article_id, section)))
    ]
    return Intelligence(links, tuple(entities), tuple(places), tuple(quotes), tuple(amounts), tuple(dates))


def published_day(article: Article) -> date | None:
    """The day the article is dated by (its ``published_at``), which its relative dates hang on."""
    dated = article.page.dated
    return dated[0].local.date() if dated else None


def with_own_identities(mentions: Sequence[EntityMention], resolution: Canonicalization) -> Canonicalization:
    """An article's resolution with the identity rules (acronyms, trade words, surnames) applied among its own
    entities only, so that an article's rows never depend on which other articles share its batch or chunk."""
    identities = batch_identities((e.entity_key, e.name, e.label) for e in resolution.entities)
    return rekey(mentions, resolution, identities)


def places_of(article: Article, entities: Sequence[CanonicalEntity]) -> list[PlaceMention]:
    """The article's GPE and LOC entities (and FACs named like a city or country), geocoded in context, and
    its NORP entities that stand for a country ("Turkish", "Israelis"), marked adjectival."""
    candidates = [e for e in entities if e.label in PLACE_LABELS or e.label == "FAC"]
    dateline = article.page.dateline_place
    names = [e.name for e in candidates if e.label in PLACE_LABELS]
    context = context_countries(names, dateline)
    states = home_states(names, dateline) if "US" in context or not context else frozenset()
    texts = list(article.section_texts().values())
    found = []
    for entity in candidates:
        qualified = qualifying_states(entity.name, texts)
        where = context | {"US"} if qualified else context
        result = geocode(entity.name, where, dateline_anchor(entity.name, dateline), qualified or states)
        if entity.label == "FAC" and (result.place is None or result.place.feature_type not in FAC_AS_PLACE):
            continue
        found.append(PlaceMention(article.article_id, entity.entity_key, entity.name, entity.label, result))
    for entity in entities:
        if entity.label in EMBEDDING_LABELS and (inner := embedded_place(entity.name, context, states)):
            name, result = inner
            found.append(
                PlaceMention(article.article_id, entity.entity_key, name, entity.label, result, embedded=True)
            )
        country = country_of_demonym(entity.name) if entity.label == "NORP" else None
        if country is not None:
            demonym = Geocode(country, GeoMethod.DEMONYM, CONFIDENCE[GeoMethod.DEMONYM], 1)
            found.append(
                PlaceMention(article.article_id, entity.entity_key, entity.name, "NORP", demonym, True)
            )
    return found


def embedded_place(name: str, context: frozenset[str], states: frozenset[str]) -> tuple[str, Geocode] | None:
    """The place an organisation's name opens with or ends on after "of" ("Illinois Skills Match",
    "Charleston Police Department", "University of Illinois"), geocoded in the article's context: a country,
    US state or region, county, or a city of ``EMBEDDED_CITY_MIN`` people. The longest such name; None when
    there is none (a small town's namesake, "Union Pacific", is not taken)."""
    words = name.split()
    if words and words[0] in {"The", "the"}:
        words = words[1:]
    leading = [  # not "Madison" out of "Madison County Health Department": the county, or nothing
        " ".join(words[:n]) for n in range(min(3, len(words) - 1), 0, -1) if words[n] not in _PLACE_TYPE_WORDS
    ]
    after_of = [
        " ".join(words[i + 1 :])
        for i, word in enumerate(words[:-1])
        if word == "of" and len(words) - i - 1 <= 3
    ]
    for candidate in [*after_of, *leading]:
        if not all(word[:1].isupper() for word in candidate.split()):
            continue
        result = geocode(candidate, context, frozenset(), states)
        place = result.place
        if place is None or place.feature_type not in EMBEDDED_KINDS:
            continue
        if place.feature_type is FeatureType.CITY and (place.population or 0) < EMBEDDED_CITY_MIN:
            continue
        return candidate, result
    return None


def quotes_of(
    article: Article, mentions: Sequence[EntityMention], links: dict[MentionKey, MentionLink]
) -> list[SectionQuote]:
    """Quotes in each section, their speakers tied to the article's canonical entities."""
    spans: dict[Section, list[EntityMention]] = {}
    for m in mentions:
        spans.setdefault(m.section, []).append(m)
    found = []
    for section, text in article.section_texts().items():
        for quote in extract_quotes(text, spans.get(section, [])):
            link = None
            if quote.speaker_entity_start is not None and quote.speaker_entity_end is not None:
                key = (
                    article.article_id,
                    section,
                    quote.speaker_entity_start,
                    quote.speaker_entity_end,
                    quote.speaker_entity_label or "",
                )
                link = links.get(key)
            found.append(
                SectionQuote(
                    article.article_id,
                    section,
                    quote,
                    link.entity_key if link else None,
                    link.name if link else None,
                )
            )
    return found
