"""The ``entity_identities`` table's rows: the cross-article identities as a frame shaped and checked by its schema."""

from __future__ import annotations

from collections.abc import Iterable

import pandera.errors
import polars as pl

from flows.core.intel.identities import EntityRow, cross_article_identities
from flows.core.tables.rows import RunInfo, column_order, table_frame
from flows.core.tables.validation import SchemaContractError
from schemas.tables import EntityIdentities


def identities_frame(rows: Iterable[EntityRow], run: RunInfo) -> pl.DataFrame:
    """The identity of every entity_key of these (article_id, entity_key, canonical_name, label) rows, validated.

    Raises:
        SchemaContractError: the identities break the table's contract (a bug: they come from valid rows).
    """
    frame = table_frame(
        [
            {
                "entity_key": found.entity_key,
                "identity_key": found.identity_key,
                "identity_name": found.identity_name,
                "label": found.label,
                "rule": found.rule.value,
            }
            for found in cross_article_identities(rows)
        ],
        EntityIdentities,
        run,
    )
    try:
        EntityIdentities.validate(frame.select(column_order(EntityIdentities)), lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SchemaContractError(f"entity_identities rows break the table contract: {error}") from error
    return frame
