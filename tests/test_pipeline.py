"""Specification of entity extraction: exact offsets, sentences, sections, and the real model on the sample."""

from __future__ import annotations

from dataclasses import replace

import pytest
import spacy
from spacy.language import Language

from flows.core.models import Article, Section
from flows.core.nlp.pipeline import (
    PARAGRAPH_BREAKS,
    ModelNotFoundError,
    components_needed,
    extract_entities,
    guard_text,
    load_pipeline,
    mark_paragraph_breaks,
    model_info,
    split_text,
)
from flows.core.page.article import to_article
from tests.conftest import REAL_MODEL, raw_document


@pytest.fixture(scope="module")
def ruler_nlp() -> Language:
    """A blank English pipeline whose entity ruler knows a few names: fast and deterministic."""
    nlp = spacy.blank("en")
    nlp.add_pipe(PARAGRAPH_BREAKS)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "PERSON", "pattern": "Ada Byron"},
            {"label": "GPE", "pattern": "Lisbon"},
            {"label": "ORG", "pattern": "Harbour Trust"},
        ]
    )
    return nlp


def _article(text: str, path: str = "a.txt") -> Article:
    article = to_article(raw_document(text.encode("utf-8"), path))
    assert isinstance(article, Article)
    return article


PAGE = (
    "Harbour Trust names Ada Byron to lead Lisbon port works\n\n"
    "March 3, 2022\n\n"
    "Ada Byron arrives in Lisbon on Monday [Photo: Harbour Trust]\n\n"
    "The Harbour Trust has chosen Ada Byron to lead the rebuilding of the old port in Lisbon this year. "
    "She starts in May.\n\n"
    "Ada Byron said the work in Lisbon would take three years to finish and cost less than planned.\n"
)


def test_pipeline_offsets_point_at_the_mention_in_each_section(ruler_nlp: Language) -> None:
    article = _article(PAGE)
    result = extract_entities(ruler_nlp, [article])
    texts = article.section_texts()
    assert {m.section for m in result.mentions} == {Section.HEADLINE, Section.CAPTION, Section.BODY}
    for mention in result.mentions:
        assert texts[mention.section][mention.start_char : mention.end_char] == mention.text
        assert mention.article_id == article.article_id


def test_pipeline_credit_is_not_searched_for_entities(ruler_nlp: Language) -> None:
    article = _article(PAGE)
    assert article.page.image_credit == "Harbour Trust"
    caption = [
        m.text for m in extract_entities(ruler_nlp, [article]).mentions if m.section is Section.CAPTION
    ]
    assert caption == ["Ada Byron", "Lisbon"]


def test_pipeline_sentence_index_restarts_per_section_and_never_spans_paragraphs(ruler_nlp: Language) -> None:
    article = _article(PAGE)
    body = [
        (m.text, m.sentence_index)
        for m in extract_entities(ruler_nlp, [article]).mentions
        if m.section is Section.BODY
    ]
    assert body == [("Harbour Trust", 0), ("Ada Byron", 0), ("Lisbon", 0), ("Ada Byron", 2), ("Lisbon", 2)]


def test_pipeline_other_language_is_skipped_with_a_reason(ruler_nlp: Language) -> None:
    french = _article(
        "Le conseil de Lisbon a vot\u00e9 le budget de la ville pour l'ann\u00e9e prochaine hier soir.\n\n"
        "Les \u00e9lus de l'opposition ont d\u00e9nonc\u00e9 une hausse des imp\u00f4ts tr\u00e8s importante.\n",
        "fr.txt",
    )
    result = extract_entities(ruler_nlp, [french, _article(PAGE)])
    assert french.article_id in result.skipped
    assert "'fr'" in result.skipped[french.article_id]
    assert all(m.article_id != french.article_id for m in result.mentions)


def test_pipeline_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelNotFoundError, match="not installed"):
        load_pipeline("xx_no_such_pipeline")


def test_pipeline_keeps_only_what_entities_need() -> None:
    nlp = load_pipeline(REAL_MODEL)
    assert nlp.pipe_names == [PARAGRAPH_BREAKS, "senter", "ner"]
    info = model_info(nlp)
    assert (info.name, info.version, info.language) == (REAL_MODEL, "3.8.0", "en")


def test_pipeline_components_needed_keeps_a_shared_encoder_only_when_ner_listens() -> None:
    full = spacy.load(REAL_MODEL)
    assert components_needed(full) == ["senter", "ner"]  # this model's ner has its own tok2vec


def test_pipeline_real_model_on_sample(sample_bytes: bytes) -> None:
    article = to_article(raw_document(sample_bytes))
    assert isinstance(article, Article)
    mentions = extract_entities(load_pipeline(REAL_MODEL), [article]).mentions
    found = {(m.label, m.text) for m in mentions}
    assert ("ORG", "The Iraqi Resistance Coordination Committee") in found
    assert ("PERSON", "Fuad Hussein") in found
    assert ("GPE", "Baghdad") in found
    assert not any("John Moore" in m.text or "Getty" in m.text for m in mentions)
    assert ("DATE", "2009") not in found
    texts = article.section_texts()
    assert all(texts[m.section][m.start_char : m.end_char] == m.text for m in mentions)


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("short", 10, [(0, 5)]),
        ("aaa\n\nbbb\n\nccc", 6, [(0, 5), (5, 10), (10, 13)]),  # after each blank line
        ("aaa bbb\nccc ddd", 10, [(0, 8), (8, 15)]),  # a line break when no blank line falls inside
        ("aaa bbb ccc", 9, [(0, 8), (8, 11)]),  # else white space
        ("x" * 12, 5, [(0, 5), (5, 10), (10, 12)]),  # else the limit itself
    ],
)
def test_nlp_split_text_cuts_after_paragraphs_lines_spaces_or_at_the_limit(
    text: str, limit: int, pieces: list[tuple[int, int]]
) -> None:
    assert split_text(text, limit) == pieces


def test_nlp_long_body_is_read_in_pieces_with_exact_offsets_and_sentences(ruler_nlp: Language) -> None:
    paragraphs = [
        f"The Harbour Trust met in Lisbon on Monday for meeting {n}. Ada Byron spoke there for {n} minutes."
        for n in range(40)
    ]
    article = _article(PAGE.split("\n\n", 1)[0] + "\n\n" + "\n\n".join(paragraphs) + "\n")
    ruler_nlp.max_length = 300  # a body of about 4,000 characters: read in pieces of up to 299
    try:
        mentions = extract_entities(ruler_nlp, [article]).mentions
    finally:
        ruler_nlp.max_length = 1_000_000
    body = article.page.body
    assert body is not None
    assert len(body) > 3000
    in_body = [m for m in mentions if m.section is Section.BODY]
    assert len(in_body) == 3 * 40
    assert all(body[m.start_char : m.end_char] == m.text for m in in_body)
    # Two sentences a paragraph: sentence numbers run on across the pieces.
    assert [m.sentence_index for m in in_body if m.label == "PERSON"] == list(range(1, 80, 2))


def test_nlp_guard_text_blanks_long_punctuation_runs_keeping_length() -> None:
    text = "Lisbon " + ")" * 500 + " and " + "!?.,;:-" * 20 + " (fine) ... -- end_" + "_" * 100
    guarded = guard_text(text)
    assert len(guarded) == len(text)
    assert guarded.startswith("Lisbon ")
    assert " and " in guarded
    assert "(fine) ... --" in guarded
    assert ")" * 65 not in guarded
    assert "!?" not in guarded
    assert "_" * 65 not in guarded


def test_nlp_paragraph_of_100000_closing_brackets_completes(ruler_nlp: Language) -> None:
    parsed = _article(PAGE)
    hostile = (*parsed.page.paragraphs, ")" * 100_000, "Ada Byron closed the meeting in Lisbon today.")
    article = replace(parsed, page=replace(parsed.page, paragraphs=hostile))
    mentions = extract_entities(ruler_nlp, [article]).mentions
    body = article.page.body
    assert body is not None
    assert ")" * 100_000 in body
    last = [m for m in mentions if m.section is Section.BODY][-1]
    assert (last.text, body[last.start_char : last.end_char]) == ("Lisbon", "Lisbon")


def test_nlp_sentence_starts_of_each_section_index_its_text(ruler_nlp: Language) -> None:
    article = _article(PAGE)
    result = extract_entities(ruler_nlp, [article])
    texts = article.section_texts()
    starts = {found.section: found.starts for found in result.sentences}
    assert set(starts) == set(texts)
    body = texts[Section.BODY]
    assert [body[start : start + 9] for start in starts[Section.BODY]] == [
        "The Harbo",
        "She start",
        "Ada Byron",
    ]
    # The mentions' sentence numbers count the same sentences.
    byron = [m for m in result.mentions if m.section is Section.BODY and m.text == "Ada Byron"]
    assert [m.sentence_index for m in byron] == [0, 2]


def test_nlp_sentence_starts_run_on_across_the_pieces_of_a_long_body(ruler_nlp: Language) -> None:
    paragraphs = [
        f"The Harbour Trust met in Lisbon on Monday for meeting {n}. Ada Byron spoke there for {n} minutes."
        for n in range(40)
    ]
    article = _article(PAGE.split("\n\n", 1)[0] + "\n\n" + "\n\n".join(paragraphs) + "\n")
    ruler_nlp.max_length = 300  # read in pieces of up to 299 characters
    try:
        result = extract_entities(ruler_nlp, [article])
    finally:
        ruler_nlp.max_length = 1_000_000
    body = article.page.body
    assert body is not None
    (starts,) = [found.starts for found in result.sentences if found.section is Section.BODY]
    assert len(starts) == 80
    assert [body[start : start + 7] for start in starts] == ["The Har", "Ada Byr"] * 40


def test_pipeline_paragraph_breaks_start_a_sentence_after_each_blank_line_only() -> None:
    nlp = spacy.blank("en")
    doc = mark_paragraph_breaks(
        nlp.make_doc("Ada Byron spoke.\n\nThe Harbour Trust met.  Then  it ended.\n\n")
    )
    starts = [token.text for token in doc if token.is_sent_start]
    assert starts == ["Ada", "The"]  # the first token is a start of its own; double spaces start nothing
    assert [token.is_sent_start for token in doc if token.text == "Then"] == [None]
    assert len(mark_paragraph_breaks(nlp.make_doc(""))) == 0
    assert [t.is_sent_start for t in mark_paragraph_breaks(nlp.make_doc("\n\n"))] == [True]
