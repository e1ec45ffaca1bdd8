"""Specification of the evaluation's pure scoring functions, on tiny hand-made inputs."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest


def _load_eval() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / "eval.py"
    spec = importlib.util.spec_from_file_location("newsmill_eval", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["newsmill_eval"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


ev = _load_eval()


@pytest.mark.parametrize(
    ("predicted", "gold", "exact", "similar"),
    [
        ("Ferry ‘returns’  to port", "ferry 'returns' to port", True, True),
        ("Ferry returns to port", "Ferry returns to the port", False, True),
        ("Menu", "Ferry returns to port", False, False),
        (None, "Ferry returns to port", False, False),
    ],
)
def test_eval_headline_scores_normalise_case_quotes_space(
    predicted: str | None, gold: str, exact: bool, similar: bool
) -> None:
    assert ev.headline_scores(predicted, gold) == (exact, similar)


def test_eval_split_names_splits_joined_entries_and_folds_accents() -> None:
    assert ev.split_names(["Ana Núñez and Bo Li", "Cy Dee, Ed Fox"]) == {
        "ana nunez",
        "bo li",
        "cy dee",
        "ed fox",
    }


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        (["Ana Núñez"], ["Ana Nunez"], (1.0, 1.0, 1.0)),
        (["Ana Nunez", "Staff"], ["Ana Nunez"], (0.5, 1.0, 2 / 3)),
        ([], ["Ana Nunez"], (0.0, 0.0, 0.0)),
        ([], [], (1.0, 1.0, 1.0)),
    ],
)
def test_eval_author_scores_are_set_prf(
    predicted: list[str], gold: list[str], expected: tuple[float, ...]
) -> None:
    assert ev.author_scores(predicted, gold) == pytest.approx(expected)


def test_eval_shingles_match_benchmark_counts() -> None:
    true = "one two three four five"
    tp, fp, fn = ev.shingle_tp_fp_fn(true, "one two three four six")
    # shingles: true {1234, 2345}, pred {1234, 2346}: one of each kind, normalised to sum to 1
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert ev.shingle_tp_fp_fn(true, true) == (1.0, 0.0, 0.0)
    assert ev.body_page_f1(ev.shingle_tp_fp_fn(true, "")) == 0.0


def test_eval_precision_recall_follow_benchmark_conventions() -> None:
    assert ev.precision_score(0, 0, 0) == 1.0
    assert ev.precision_score(0, 0, 1) == 0.0
    assert ev.recall_score(0, 1, 0) == 0.0
    assert ev.recall_score(1, 0, 1) == 0.5


def test_eval_body_metrics_average_pages_then_take_f1() -> None:
    precision, recall, f1, page_f1 = ev.body_metrics([(1.0, 0.0, 0.0), (0.5, 0.0, 0.5)])
    assert (precision, recall) == pytest.approx((1.0, 0.75))
    assert f1 == pytest.approx(2 * 0.75 / 1.75)
    assert page_f1 == pytest.approx((1.0 + 2 / 3) / 2)


def test_eval_snippet_scores_ignore_line_breaks() -> None:
    body = "The ferry left\n\nthe pier at noon."
    assert ev.snippet_scores(body, ["ferry left the pier", "missing"], ["Subscribe now", "at noon"]) == (1, 1)
    assert ev.snippet_scores(None, ["x"], ["y"]) == (0, 1)


def test_eval_score_pages_counts_missing_extraction_as_nothing() -> None:
    gold = {
        "tf-a": ev.Gold(page_id="tf-a", domain="a.example", title="Ferry returns", published=date(2022, 3, 3),
                        date_visible=True, authors=("Ana Nunez",), snippets_present=("ferry",)),
        "sh-b": ev.Gold(page_id="sh-b", domain="b.example", body="one two three four"),
    }  # fmt: skip
    extracted = {"tf-a": ev.Extracted("tf-a", "Ferry Returns", date(2022, 3, 3), ("Ana Nunez",), "The ferry")}
    scores = {s.page_id: s for s in ev.score_pages(extracted, gold)}
    assert scores["tf-a"].headline_exact
    assert scores["tf-a"].date_correct
    assert scores["tf-a"].snippets_found == (1, 1)
    assert scores["sh-b"].body_tp_fp_fn == (0.0, 0.0, 1.0)
    assert not scores["sh-b"].has_body
    table = ev.format_table(ev.summarise_by_source(list(scores.values())))
    assert "headline exact" in table
    assert "all (2)" in table


def test_eval_gold_from_json_keeps_only_gold_fields() -> None:
    gold = ev.gold_from_json(
        {"id": "hd-x", "domain": "x.example", "title": "Not gold", "published": "2023-11-08",
         "gold_fields": ["url", "published"], "checks": {"date_visible_in_txt": True}}
    )  # fmt: skip
    assert gold.title is None
    assert gold.published == date(2023, 11, 8)
    assert gold.date_visible
    assert gold.source == "hd"


def test_eval_credits_count_agencies_beside_authors() -> None:
    gold = ev.Gold(page_id="tf-c", domain="c.example", authors=("Metro Online",))
    extracted = ev.Extracted("tf-c", None, None, (), None, agencies=("Metro Online",))
    score = ev.score_page(extracted, gold)
    assert score.author_prf == (0.0, 0.0, 0.0)
    assert score.credit_prf == (1.0, 1.0, 1.0)
    assert "credits P/R/F1" in ev.format_table(ev.summarise_by_source([score]))


def test_eval_records_from_pipeline_rows_and_rejects_report() -> None:
    from datetime import datetime

    rows = [
        {"source_path": "tf-a.txt", "headline": "Ferry returns", "published_at": datetime(2022, 3, 3, 14, 15),
         "authors": ["Ana Nunez"], "agencies": ["Reuters"], "body": "One.\n\nTwo."},
    ]  # fmt: skip
    records = ev.records_from_rows(rows)
    assert records["tf-a"].published == date(2022, 3, 3)
    assert records["tf-a"].agencies == ("Reuters",)
    report = ev.format_rejects([("sh-b", "no_article_text", "no paragraph of running text")])
    assert report.splitlines()[0] == "rejected pages: 1 (no_article_text 1)"
    assert ev.format_rejects([]) == "rejected pages: 0 (none)"


def test_eval_failures_list_snippet_misses_and_kept_boilerplate() -> None:
    gold = ev.Gold(
        page_id="tf-d",
        domain="d.example",
        snippets_present=("ferry left the pier", "at noon"),
        snippets_absent=("Subscribe now", "the crew"),
    )
    extracted = ev.Extracted("tf-d", None, None, (), "The ferry left\nthe pier with the crew.")
    assert ev.field_failures(extracted, gold) == [
        "snippet missing: 'at noon'",
        "boilerplate kept: 'the crew'",
    ]


def test_eval_format_deltas_lists_pages_that_moved_worst_first() -> None:
    before = {"sh-a": 0.5, "sh-b": 0.9, "sh-c": 0.7}
    after = {"sh-a": 0.8, "sh-b": 0.85, "sh-c": 0.7}
    assert ev.format_deltas(before, after).splitlines() == [
        "body F1 changes (2 pages):",
        "  -0.050  0.900 -> 0.850  sh-b",
        "  +0.300  0.500 -> 0.800  sh-a",
    ]


def test_eval_reports_apart_how_the_dates_taken_from_an_update_time_score() -> None:
    gold = {
        page: ev.Gold(page_id=page, domain="u.example", published=date(2021, 3, 14), date_visible=True)
        for page in ("tf-u", "tf-p")
    }
    extracted = {
        "tf-u": ev.Extracted("tf-u", None, date(2021, 3, 14), (), None, date_basis="updated"),
        "tf-p": ev.Extracted("tf-p", None, date(2021, 3, 13), (), None, date_basis="published"),
    }
    summary = ev.summarise("all", ev.score_pages(extracted, gold))
    assert summary.values["date (visible)"].startswith("0.500")
    assert summary.values["date from update (vis.)"].startswith("1.000 (1/1)")


def test_group_folds_keep_a_publisher_in_one_fold_and_balance_the_folds() -> None:
    groups = {"a1": "a.com", "a2": "a.com", "a3": "a.com", "b1": "b.org", "b2": "b.org", "c1": "c.net"}
    folds = ev.group_folds(groups, folds=2)
    assert folds["a1"] == folds["a2"] == folds["a3"]
    assert folds["b1"] == folds["b2"]
    assert folds["b1"] != folds["a1"]  # the second-largest publisher goes to the emptier fold
    assert folds["c1"] == folds["b1"]
    assert ev.group_folds(groups, folds=2) == folds  # deterministic


def test_publisher_is_the_gold_url_host_without_www() -> None:
    gold = ev.Gold(page_id="tf-x", domain="other", url="https://www.Example.com/news/1")
    assert ev.publisher(gold) == "example.com"
    assert ev.publisher(ev.Gold(page_id="sh-y", domain="site.org")) == "site.org"


def test_field_figures_give_none_where_no_page_has_that_gold() -> None:
    scores = [
        ev.PageScore(
            page_id="tf-1",
            source="tf",
            domain="a",
            has_headline=True,
            has_body=True,
            headline_exact=True,
            author_prf=(1.0, 0.5, 0.6),
            snippets_found=(2, 4),
        ),
        ev.PageScore(page_id="tf-2", source="tf", domain="b", has_headline=True, has_body=True,
                     headline_exact=False, author_prf=(1.0, 1.0, 1.0)),
    ]  # fmt: skip
    figures = ev.field_figures(scores)
    assert figures["headline exact"] == 0.5
    assert figures["author F1"] == pytest.approx(0.8)
    assert figures["snippets found"] == 0.5
    assert figures["body F1"] is None
    assert figures["boilerplate out"] is None


def test_cross_validation_trains_on_the_other_folds_only() -> None:
    gold = {f"tf-{i}": ev.Gold(page_id=f"tf-{i}", domain=f"site{i % 3}.com") for i in range(9)}
    seen: list[tuple[set[str], set[str]]] = []

    def learn(corpus: Path, training: Sequence[str]) -> object:
        return set(training)

    def extract(corpus: Path, page_ids: Sequence[str], models: object | None) -> dict[str, object]:
        assert isinstance(models, set)
        seen.append((set(page_ids), models))
        return {p: ev._nothing(p) for p in page_ids}

    extracted = ev.cross_validate(Path("."), gold, extract, learn, folds=3)  # type: ignore[arg-type]
    assert set(extracted) == set(gold)
    for held_out, trained_on in seen:
        assert held_out.isdisjoint(trained_on)
        assert held_out | trained_on == set(gold)


def test_eval_declared_authors_are_read_from_pages_without_gold_authors(tmp_path: Path) -> None:
    pages = {
        "a": {"gold_fields": ["published"], "page_meta_not_gold": {"jsonld_authors": ["Ana Ruiz", "Staff"]}},
        "b": {"gold_fields": ["published"], "page_meta_not_gold": {"meta_author": "https://x.test/ana"}},
        "c": {
            "gold_fields": ["authors"],
            "authors": ["Tom Reed"],
            "page_meta_not_gold": {"meta_author": "Tom Reed"},
        },
        "d": {"gold_fields": [], "page_meta_not_gold": {"meta_author": "Lena Orr"}},
    }
    for name, data in pages.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    declared = ev.declared_authors(tmp_path)
    assert declared == {"a": ("Ana Ruiz",), "d": ("Lena Orr",)}
    found = {
        "a": ev.Extracted(page_id="a", headline=None, published=None, authors=("Ana Ruiz",), body=None),
        "d": ev.Extracted(page_id="d", headline=None, published=None, authors=(), body=None),
    }
    assert ev.declared_author_f1(found, declared) == 0.5
