"""Validate a batch's tables against the schemas, lazily; an article that fails goes to rejects whole.

An article and its detail rows (entities, ...) are kept or turned away together, so every raw file ends in exactly one of
``articles`` or ``rejects``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import cast

import pandera.backends.polars.builtin_checks  # registers the built-in checks' polars functions
import pandera.errors
import pandera.polars as pa
import polars as pl
from pandera.api.checks import Check
from pandera.api.polars.types import PolarsData

from flows.core.models import Reject, RejectReason, Stage
from flows.core.tables.rows import BatchTables, RunInfo, column_order, empty_frame, rejects_frame
from schemas.tables import TABLES, Articles

MAX_FAILURES_IN_DETAIL = 3


class SchemaContractError(RuntimeError):
    """Rows that newsmill built itself broke the schema in a way no single article explains: a bug."""


def validate_batch(tables: BatchTables, run: RunInfo) -> BatchTables:
    """Validate every table; move each article that fails (with its details) to rejects, with the reasons.

    Every check of every table is first decided in one vectorised pass (:func:`passing_tables`); pandera
    validates only a table that did not pass, to name its failing rows. The tables left after moving failed
    articles out are validated again as a safety net; a batch where nothing failed is returned as it came,
    since its rows were just checked (the detail tables beside their section text, by models that hold every
    check of the table's own).
    """
    checked = frames_to_check(tables)
    passed = passing_tables(checked)
    problems: dict[str, list[str]] = defaultdict(list)
    for name, (model, frame) in checked.items():
        if name in passed or name == "rejects":
            continue
        for article_id, message in failures(model, frame, "article_id"):
            problems[article_id].append(f"{name}.{message}")
    if not problems:  # every check above passed on these very rows: only the rejects are left to check
        if "rejects" not in passed:
            _require_valid(TABLES["rejects"].model, tables.rejects)
        return tables
    failed = list(problems)
    articles = tables.articles.filter(~pl.col("article_id").is_in(failed))
    details = {
        name: frame.filter(~pl.col("article_id").is_in(failed)) for name, frame in tables.details.items()
    }
    new_rejects = rejects_frame(_rejects_for(tables.articles, problems), run)
    valid = BatchTables(articles, pl.concat([tables.rejects, new_rejects]), details)
    again = {name: (TABLES[name].model, frame) for name, frame in valid.frames().items()}
    passed_again = passing_tables(again)
    for name, (model, frame) in again.items():
        if name not in passed_again:
            _require_valid(model, frame)
    return valid


def frames_to_check(tables: BatchTables) -> dict[str, tuple[type[pa.DataFrameModel], pl.DataFrame]]:
    """Each table's frame and the model that checks it (a detail table beside its section text when its model
    checks offsets)."""
    checked: dict[str, tuple[type[pa.DataFrameModel], pl.DataFrame]] = {
        "articles": (Articles, tables.articles),
        "rejects": (TABLES["rejects"].model, tables.rejects),
    }
    for name, frame in tables.details.items():
        in_context = TABLES[name].in_context
        checked[name] = (
            (in_context, in_section_context(frame, tables.articles))
            if in_context
            else (TABLES[name].model, frame)
        )
    return checked


def passing_tables(checked: Mapping[str, tuple[type[pa.DataFrameModel], pl.DataFrame]]) -> set[str]:
    """The names of the frames that pass every check of their model, each frame decided in one polars query.

    What pandera checks on a frame whose columns already have the model's types (no coercion to do): the
    columns present, not null where not nullable, unique where unique, and each column and dataframe check
    (its own function, its output read as pandera reads it). A frame is left out (pandera then decides it)
    when it does not pass, or when its model or frame asks for anything else (a coercion, a regex column, an
    element-wise or grouped check), or when a check raises.
    """
    passed: set[str] = set()
    for name, (model, frame) in checked.items():
        try:
            queries = _verdicts(model, frame)
            # polars' in-memory engine: its streaming engine (polars 2's default) costs more to start than
            # these one-row queries over a batch's few hundred rows take to run
            if queries is not None and all(
                all(query.collect(engine="in-memory").row(0)) for query in queries
            ):
                passed.add(name)
        except Exception:  # a check that raises: pandera decides, and reports it
            continue
    return passed


@dataclass(frozen=True, slots=True)
class _Plan:
    """A model's checks on frames whose columns have one set of types: the expressions that decide them, made
    without the frame's rows (each named ``check_<n>``), and the checks that need the frame itself."""

    expressions: tuple[pl.Expr, ...]
    frame_checks: tuple[tuple[Check, str], ...]


def _verdicts(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> list[pl.LazyFrame] | None:
    """Queries of one row of booleans, all true when the model's checks pass on ``frame``; None: ask pandera.

    The checks that select expressions from their frame (pandera's built-in checks, the schemas' own) become
    expressions of one query; any other check is a query of its own.
    """
    schema = _schema(model)
    if set(frame.columns) != set(schema.columns) or schema.unique or schema.ordered or schema.dtype:
        return None
    plan = _plan(model, tuple(frame.schema.items()))  # a frame's schema is built anew on each access
    if plan is None:
        return None
    rows = frame.lazy()
    expressions = list(plan.expressions)
    queries: list[pl.LazyFrame] = []
    for check, key in plan.frame_checks:
        output = check._check_fn(PolarsData(rows, key), **check._check_kwargs)
        if isinstance(output, bool):
            expressions.append(pl.lit(output).alias(f"check_{len(expressions)}"))
        elif isinstance(output, pl.LazyFrame):
            queries.append(output.select(_passes([pl.all()], check.ignore_na)))
        else:
            return None
    return [rows.select(expressions), *queries]


@lru_cache(maxsize=64)
def _plan(model: type[pa.DataFrameModel], types: tuple[tuple[str, pl.DataType], ...]) -> _Plan | None:
    """The checks of ``model`` on a frame with these column types (name and type of each, in the frame's order),
    made once per model and types (about 330 expressions over a batch's tables, whose making cost 10-18 ms a
    batch); None when pandera must decide such a frame."""
    schema, of = _schema(model), dict(types)
    expressions: list[pl.Expr] = []
    for name, column in schema.columns.items():
        if column.regex or column.default is not None or column.dtype is None:
            return None
        # pandera's polars types compare the types alone (the data container is for coercion)
        if not column.dtype.check(of[name]):
            return None
        if not column.nullable:
            present = pl.col(name).is_not_null()
            if of[name].is_float():
                present &= pl.col(name).is_not_nan()
            expressions.append(present.all())
        if column.unique:
            expressions.append(pl.col(name).is_duplicated().any().not_())
    frame_checks: list[tuple[Check, str]] = []
    for check, key in [
        *((check, name) for name, column in schema.columns.items() for check in column.checks),
        *((check, "*") for check in schema.checks),
    ]:
        if check.element_wise or check.groupby is not None or check._check_fn is None:
            return None
        recorded = _selected(check, key)
        if recorded is None:
            frame_checks.append((check, key))
        else:
            expressions.append(_passes(recorded, check.ignore_na))
    named = (expression.alias(f"check_{number}") for number, expression in enumerate(expressions))
    return _Plan(tuple(named), tuple(frame_checks))


def _passes(outputs: list[pl.Expr], ignore_na: bool) -> pl.Expr:
    """True when a check's output passes on every row, as pandera reads it: the output's columns folded with
    and, a null counted as passing when the check ignores nulls, else as failing.

    ``all_horizontal`` is that fold (the same Kleene and: false wins, then null) inside polars; ``pl.fold`` with a
    Python function calls back into Python for each check, about 0.7 ms a check whatever the rows (over 300
    checks per batch)."""
    ok = pl.all_horizontal(outputs)
    return (ok | ok.is_null() if ignore_na else ok.fill_null(False)).all()


class _Selection:
    """Stands in for a check's frame and records the expressions the check selects from it."""

    def __init__(self) -> None:
        self.expressions: list[pl.Expr] = []

    def select(self, *exprs: pl.Expr | str | list[pl.Expr | str], **named: pl.Expr) -> _Selection:
        flat = [item for expr in exprs for item in (expr if isinstance(expr, list) else [expr])]
        self.expressions = [pl.col(item) if isinstance(item, str) else item for item in flat]
        self.expressions += [expr.alias(alias) for alias, expr in named.items()]
        return self


def _selected(check: Check, key: str) -> list[pl.Expr] | None:
    """The expressions a check selects from its frame, when selecting is all it does with it; else None."""
    selection = _Selection()
    try:
        output = check._check_fn(PolarsData(cast(pl.LazyFrame, selection), key), **check._check_kwargs)
    except Exception:  # the check does more with its frame: run it on the frame itself
        return None
    return selection.expressions if output is selection and selection.expressions else None


@cache
def _schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    return model.to_schema()


def prepare_validation() -> None:
    """Load pandera's polars validation backends now, not inside a run's first validation (once per process):
    validates an empty ``rejects`` table."""
    model = TABLES["rejects"].model
    _require_valid(model, empty_frame(model))


def in_section_context(details: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Detail rows (with ``article_id`` and ``section``) beside the text of their section, to check offsets."""
    sections = articles.select(
        "article_id",
        pl.struct(headline="headline", caption="image_caption", body="body").alias("texts"),
    ).unnest("texts")
    long = sections.unpivot(index="article_id", variable_name="section", value_name="section_text")
    return details.join(long, on=["article_id", "section"], how="left").with_columns(
        pl.col("section_text").fill_null("")
    )


def failures(model: type[pa.DataFrameModel], frame: pl.DataFrame, key: str) -> list[tuple[str, str]]:
    """``(key value, message)`` for every row that fails the model's checks; raises on table-wide errors."""
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        cases = error.failure_cases
        if cases["index"].null_count():
            raise SchemaContractError(f"{model.__name__}: {error}") from error
        keys = frame[key]
        return [(str(keys[int(case["index"])]), _describe(case)) for case in cases.iter_rows(named=True)]
    return []


def _describe(case: dict[str, object]) -> str:
    value = str(case["failure_case"])
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"{case['column']}: check {case['check']!r} failed for {shown!r}"


def _rejects_for(articles: pl.DataFrame, problems: dict[str, list[str]]) -> list[Reject]:
    rows = articles.filter(pl.col("article_id").is_in(list(problems))).iter_rows(named=True)
    return [
        Reject(
            source_path=row["source_path"],
            source_sha256=row["source_sha256"],
            source_size_bytes=row["source_size_bytes"],
            source_mtime_ns=row["source_mtime_ns"],
            stage=Stage.VALIDATE,
            reason=RejectReason.SCHEMA_VIOLATION,
            detail=_detail(problems[row["article_id"]]),
            article_id=row["article_id"],
        )
        for row in rows
    ]


def _detail(messages: list[str]) -> str:
    unique = list(dict.fromkeys(messages))
    shown = "; ".join(unique[:MAX_FAILURES_IN_DETAIL])
    more = (
        f" (and {len(unique) - MAX_FAILURES_IN_DETAIL} more)" if len(unique) > MAX_FAILURES_IN_DETAIL else ""
    )
    return f"the extracted data broke the table contract: {shown}{more}; please report this with the file"


def _require_valid(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> None:
    try:
        model.validate(frame.select(column_order(model)), lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SchemaContractError(f"{model.__name__} rows still invalid after quarantine: {error}") from error
