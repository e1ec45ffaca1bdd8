"""Intelligence records -> the rows of article_entities, places, quotes, amounts and text_dates."""

from __future__ import annotations

import polars as pl

from flows.core.ids import short_hash
from flows.core.intel.analysis import Intelligence
from flows.core.tables.rows import RunInfo, span_columns, table_frame
from schemas.tables import Amounts, ArticleEntities, Places, Quotes, TextDates


def intelligence_frames(found: Intelligence, run: RunInfo) -> dict[str, pl.DataFrame]:
    """Every intelligence table's rows for a batch, by table name."""
    return {
        "article_entities": article_entities_frame(found, run),
        "places": places_frame(found, run),
        "quotes": quotes_frame(found, run),
        "amounts": amounts_frame(found, run),
        "text_dates": text_dates_frame(found, run),
    }


def article_entities_frame(found: Intelligence, run: RunInfo) -> pl.DataFrame:
    """One row per distinct entity per article."""
    rows = [
        {
            "article_entity_id": short_hash(item.article_id, item.entity.entity_key),
            "article_id": item.article_id,
            "entity_key": item.entity.entity_key,
            "canonical_name": item.entity.name,
            "label": item.entity.label,
            "mention_count": item.entity.mention_count,
            "first_section": item.entity.first_section.value,
            "first_start": item.entity.first_start,
            "salience": item.entity.salience,
            "surface_forms": list(item.entity.surface_forms),
        }
        for item in found.entities
    ]
    return table_frame(rows, ArticleEntities, run)


def places_frame(found: Intelligence, run: RunInfo) -> pl.DataFrame:
    """One row per place entity per article, resolved or not."""
    rows = []
    for item in found.places:
        place = item.geocode.place
        rows.append(
            {
                "place_id": short_hash(item.article_id, item.entity_key),
                "article_id": item.article_id,
                "entity_key": item.entity_key,
                "name": item.name,
                "label": item.label,
                "adjectival": item.adjectival,
                "embedded": item.embedded,
                "resolved_name": place.name if place else None,
                "feature_type": place.feature_type.value if place else None,
                "country_code": place.country_code if place else None,
                "admin1_code": place.admin1 if place else None,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "geonames_id": place.geonames_id if place else None,
                "population": place.population if place else None,
                "method": item.geocode.method.value,
                "confidence": item.geocode.confidence,
                "candidates": item.geocode.candidates,
            }
        )
    return table_frame(rows, Places, run)


def quotes_frame(found: Intelligence, run: RunInfo) -> pl.DataFrame:
    """One row per quote."""
    rows = []
    for item in found.quotes:
        quote = item.quote
        rows.append(
            {
                **span_columns("quote_id", item.article_id, item.section, quote.start, quote.end, quote.text),
                "mark_start": quote.mark_start,
                "mark_end": quote.mark_end,
                "paragraph_count": len(quote.paragraphs),
                "is_partial": quote.is_partial,
                "speaker": quote.speaker,
                "speaker_start": quote.speaker_start,
                "speaker_end": quote.speaker_end,
                "speaker_kind": quote.speaker_kind.value,
                "speaker_entity_key": item.speaker_entity_key,
                "speaker_name": item.speaker_name,
                "entity_source": quote.entity_source.value,
                "cue": quote.cue,
                "cue_start": quote.cue_start,
                "cue_end": quote.cue_end,
                "method": quote.method.value,
                "confidence": quote.confidence,
            }
        )
    return table_frame(rows, Quotes, run)


def amounts_frame(found: Intelligence, run: RunInfo) -> pl.DataFrame:
    """One row per amount."""
    rows = [
        {
            **span_columns(
                "amount_id",
                item.article_id,
                item.section,
                item.amount.start,
                item.amount.end,
                item.amount.text,
            ),
            "value": item.amount.value,
            "kind": item.amount.kind.value,
            "unit": item.amount.unit,
            "object": item.amount.object,
            "object_start": item.amount.object_start,
            "object_end": item.amount.object_end,
            "approximate": item.amount.approximate,
            "qualifier": item.amount.qualifier,
        }
        for item in found.amounts
    ]
    return table_frame(rows, Amounts, run)


def text_dates_frame(found: Intelligence, run: RunInfo) -> pl.DataFrame:
    """One row per date expression."""
    rows = [
        {
            **span_columns(
                "date_id",
                item.article_id,
                item.section,
                item.mention.start,
                item.mention.end,
                item.mention.text,
            ),
            "value": item.mention.value,
            "granularity": item.mention.granularity.value,
            "kind": item.mention.kind.value,
            "is_relative": item.mention.is_relative,
            "is_future": item.mention.is_future,
            "preposition": item.mention.preposition,
            "note": item.mention.note,
            "published_date": item.published,
        }
        for item in found.dates
    ]
    return table_frame(rows, TextDates, run)
