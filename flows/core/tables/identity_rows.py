"""The ``entity_identities`` table's rows: the cross-article identities as a frame shaped and checked by its schema."""

from __future__ import annotations

import pandera.errors
import polars as pl

from flows.core.intel.identities import cross_article_identities
from flows.core.tables.rows import RunInfo, column_order, empty_frame, run_metadata
from flows.core.tables.validation import SchemaContractError
from schemas.tables import EntityIdentities


def identities_frame(rows: pl.DataFrame | pl.LazyFrame, run: RunInfo) -> pl.DataFrame:
    """The identity of every entity_key of these article_entities rows (article_id, entity_key,
    canonical_name, label; lazy: a scan of the table), with the run's provenance, validated.

    Raises:
        SchemaContractError: the identities break the table's contract (a bug: they come from valid rows).
    """
    provenance = {**run_metadata(run), "ingested_at": run.ingested_at}
    shape = empty_frame(EntityIdentities).schema  # the table's column types
    frame = (
        cross_article_identities(rows)
        .with_columns(pl.lit(value).alias(name) for name, value in provenance.items())
        .select(column_order(EntityIdentities))
        .cast(shape)
    )
    try:
        EntityIdentities.validate(frame.select(column_order(EntityIdentities)), lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SchemaContractError(f"entity_identities rows break the table contract: {error}") from error
    return frame
