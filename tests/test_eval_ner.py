"""The entity evaluation script: scoring, the CoNLL-to-article mapping, and labels that only point into the corpus."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "eval_ner.py"
CORPUS = REPO.parent / "shared" / "corpus"


def _load() -> object:
    spec = importlib.util.spec_from_file_location("eval_ner", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_ner"] = module
    spec.loader.exec_module(module)
    return module


eval_ner = _load()


def test_eval_ner_scores_exact_spans_per_label() -> None:
    gold = [{(0, 4, "LOC"), (10, 15, "PER")}]
    predicted = [{(0, 4, "LOC"), (10, 14, "PER"), (20, 25, "ORG")}]
    scores = eval_ner.score_spans(predicted, gold)  # type: ignore[attr-defined]
    assert (scores["LOC"].tp, scores["PER"].fn, scores["PER"].fp, scores["ORG"].fp) == (1, 1, 1, 1)
    assert scores["all"].precision == pytest.approx(1 / 3)
    assert scores["all"].recall == pytest.approx(1 / 2)


def test_eval_ner_maps_ontonotes_to_conll() -> None:
    spans = [(0, 1, "PERSON"), (0, 2, "GPE"), (0, 3, "FAC"), (0, 4, "DATE"), (0, 5, "NORP")]
    assert eval_ner.to_conll(spans) == {(0, 1, "PER"), (0, 2, "LOC"), (0, 3, "MISC"), (0, 5, "MISC")}  # type: ignore[attr-defined]


def test_eval_ner_article_offsets_map_back_to_the_document() -> None:
    doc = eval_ner.ConllDoc("dev-x", "SOCCER - JAPAN WIN .\nTOKYO 1996\nJapan beat Syria .", set())  # type: ignore[attr-defined]
    article, starts = eval_ner.as_article(doc)  # type: ignore[attr-defined]
    body = article.page.body or ""
    at = body.index("Syria")
    assert doc.text[eval_ner.body_to_doc(at, starts, article.page.paragraphs) :].startswith("Syria")  # type: ignore[attr-defined]


def test_eval_ner_labels_point_into_the_corpus_without_copying_it() -> None:
    data = json.loads((REPO / "scripts" / "labels" / "extractors.json").read_text(encoding="utf-8"))
    items = [
        item for region in data["regions"] for kind in ("quotes", "amounts", "dates") for item in region[kind]
    ]
    assert len(items) >= 40
    for kind in ("quotes", "amounts", "dates"):
        assert sum(len(region[kind]) for region in data["regions"]) >= 40
    for region in data["regions"]:
        assert set(region) == {"page", "start", "end", "published", "quotes", "amounts", "dates"}
        for kind in ("quotes", "amounts", "dates"):
            for item in region[kind]:
                assert region["start"] <= item["start"] < item["end"] <= region["end"]
                assert all(not isinstance(value, str) or key == "value" for key, value in item.items())


@pytest.mark.skipif(not (CORPUS / "pages").is_dir(), reason="the evaluation corpus is not checked out")
def test_eval_ner_labels_come_from_at_least_twelve_publishers() -> None:
    for kind in ("quotes", "amounts", "dates"):
        pages = {region["page"] for region in eval_ner.load_labels() if region[kind]}  # type: ignore[attr-defined]
        assert len({eval_ner.publisher(CORPUS, page) for page in pages}) >= 12  # type: ignore[attr-defined]


@pytest.mark.skipif(not (CORPUS / "pages").is_dir(), reason="the evaluation corpus is not checked out")
def test_eval_ner_extractors_score_on_the_labels() -> None:
    misses: list[object] = []
    scores = eval_ner.evaluate_extractors(CORPUS, eval_ner.load_labels(), misses)  # type: ignore[attr-defined]
    assert all(score.precision >= 0.9 and score.recall >= 0.9 for score in scores.values())
    assert len(misses) == sum(score.fp + score.fn for score in scores.values())
