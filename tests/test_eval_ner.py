"""The entity evaluation script: scoring, the CoNLL-to-article mapping, and labels that only point into the corpus."""

from __future__ import annotations

import importlib.util
import json
import re
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


@pytest.mark.parametrize(
    ("sentence", "every_word", "expected"),
    [
        ("the talks of Aug 30 ended in a draw .", False, "The Talks of Aug 30 Ended in a Draw ."),
        ("the talks of Aug 30 ended in a draw .", True, "The Talks Of Aug 30 Ended In A Draw ."),
        ("NATO 's 10-day plan , 3-1 up", False, "NATO 's 10-day Plan , 3-1 up"),
    ],
)
def test_eval_ner_title_case_keeps_length(sentence: str, every_word: bool, expected: str) -> None:
    assert eval_ner.title_case(sentence, every_word) == expected  # type: ignore[attr-defined]
    assert len(expected) == len(sentence)


TINY = (
    "SOCCER - JAPAN WIN .\nTOKYO 1996-08-30\nJapan beat Syria in Tokyo on Friday .\n"
    "In May Syria beat Japan in Tokyo ."
)


def _tiny_doc() -> object:
    names = re.finditer(r"Japan|Syria|Tokyo", TINY, re.IGNORECASE)
    return eval_ner.ConllDoc("dev-x", TINY, {(m.start(), m.end(), "LOC") for m in names})  # type: ignore[attr-defined]


def test_eval_ner_title_case_example_is_the_first_sentence_after_the_headline() -> None:
    example = eval_ner.title_case_example(_tiny_doc())  # type: ignore[attr-defined]
    assert example.sentence == "Japan beat Syria in Tokyo on Friday ."
    assert example.body == "SOCCER - JAPAN WIN .\nTOKYO 1996-08-30\nIn May Syria beat Japan in Tokyo ."
    assert sorted(example.sentence[s:e] for s, e, _ in example.gold) == ["Japan", "Syria", "Tokyo"]


def test_eval_ner_title_case_example_needs_a_long_sentence_not_in_capitals() -> None:
    text = (
        "TENNIS - RESULTS .\nNEW YORK 1996-08-30\nResults of the day :\nSOME RESULTS IN CAPITALS ONLY HERE ."
    )
    doc = eval_ner.ConllDoc("dev-y", text, set())  # type: ignore[attr-defined]
    assert eval_ner.title_case_example(doc) is None  # type: ignore[attr-defined]


def test_eval_ner_title_case_scores_show_what_recasing_removes() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": name} for name in ("Japan", "Syria", "Tokyo")])
    ruler.add_patterns([{"label": "ORG", "pattern": "Beat"}])  # a capital makes a false entity
    example = eval_ner.title_case_example(_tiny_doc())  # type: ignore[attr-defined]
    scores = eval_ner.title_case_scores(nlp, [example])  # type: ignore[attr-defined]
    assert scores["sentence case, bare spaCy (ceiling for bare)"]["all"].f1 == 1.0
    assert scores["title case, bare spaCy"]["ORG"].fp == 1
    assert scores["title case, newsmill path without the body (capitals rule only)"]["ORG"].fp == 1
    assert scores["title case, recased against the body"]["all"].f1 == 1.0
    assert scores["every word capitalised, recased against the body"]["all"].f1 == 1.0
