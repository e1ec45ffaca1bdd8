"""Specification of the per-file decision: the sample's fields exactly, and every kind of bad input."""

from __future__ import annotations

from datetime import datetime

import pytest

from flows.core.models import Article, Reject, RejectReason, Stage
from flows.core.page.article import to_article
from flows.core.tables.rows import RunInfo, articles_frame
from tests.conftest import BAD_INPUTS, DATA, cp1252_page, latin1_page, raw_document

SAMPLE_BODY_FIRST = (
    "The Iraqi Resistance Coordination Committee, which consists of four Shia groups affiliate with Iran, "
    "pledged on Friday to fight any foreign soldiers in the country, Anadolu Agency reported."
)
SAMPLE_BODY_LAST = "On 5 January, 2020, Iraqi Parliament voted for evicting US troops from the country."


def test_article_sample_every_field_pinned(sample_bytes: bytes, run_info: RunInfo) -> None:
    article = to_article(raw_document(sample_bytes, "000_a3bff82c688751b7.txt"))
    assert isinstance(article, Article)
    row = articles_frame([article], run_info, {}).row(0, named=True)

    assert row["article_id"] == row["source_sha256"][:32]
    assert row["source_sha256"] == "12e6ec47cb429cc32ff03fae36c707bac5ad9029c7035f2077bf3d93d3691ed2"
    assert row["source_path"] == "000_a3bff82c688751b7.txt"
    assert row["source_size_bytes"] == 2070
    assert row["source_encoding"] == "utf-8"
    assert row["site_tagline"] == "Creating new perspectives since 2009"
    assert row["headline"] == "Iraq resistance: \u2018We will not accept foreign soldiers in Iraq\u2019"
    assert row["subheadline"] is None
    assert row["byline"] is None
    assert row["authors"] == []
    assert row["agencies"] == []
    assert row["published_at"] == datetime(2021, 7, 24, 13, 4)
    assert row["published_has_time"] is True
    assert row["published_tz_known"] is False
    assert row["published_timezone"] is None
    assert row["published_at_utc"] is None
    assert row["published_text"] == "July 24, 2021 at 1:04 pm"
    assert row["published_precision"] == "minute"
    assert row["updated_at"] is None
    assert row["image_caption"] == (
        "Coalition soldiers fly to Baghdad International Airport from the International Zone in a US "
        "Blackhawk helicopter on May 31, 2021 in Baghdad, Iraq"
    )
    assert row["image_credit"] == "John Moore/Getty Images"
    paragraphs = row["body"].split("\n\n")
    assert row["paragraph_count"] == len(paragraphs) == 10
    assert paragraphs[0] == SAMPLE_BODY_FIRST
    assert paragraphs[-1] == SAMPLE_BODY_LAST
    assert "READ:" not in row["body"]
    assert row["related_headlines"] == [
        "Teen social media influencer threatens to jump off roof amid deteriorating situation in Iraq",
        "US set to formalise readjustment of troop role in Iraq",
    ]
    assert row["word_count"] == 252
    assert row["language"] == "en"
    assert row["entities_skipped_reason"] is None
    assert row["run_id"] == run_info.run_id


@pytest.mark.parametrize(
    ("name", "stage", "reason", "hint"),
    [
        ("empty.txt", Stage.READ, RejectReason.EMPTY_FILE, "fetch the page again"),
        ("blank.txt", Stage.DECODE, RejectReason.NO_TEXT, "only white space"),
        ("image.txt", Stage.DECODE, RejectReason.BINARY_CONTENT, "a PNG image"),
        ("menu-only.txt", Stage.PARSE, RejectReason.NO_ARTICLE_TEXT, "article page"),
    ],
)
def test_article_bad_input_rejected_with_actionable_reason(
    name: str, stage: Stage, reason: RejectReason, hint: str
) -> None:
    outcome = to_article(raw_document(BAD_INPUTS[name], name))
    assert isinstance(outcome, Reject)
    assert (outcome.stage, outcome.reason) == (stage, reason)
    assert hint in outcome.detail
    assert outcome.source_path == name


def test_article_cp1252_page_is_decoded_not_garbled() -> None:
    article = to_article(raw_document(cp1252_page(), "cp1252.txt"))
    assert isinstance(article, Article)
    assert article.source_encoding == "cp1252"
    assert article.page.headline == "Caf\u00e9 owners fear \u201cthe worst\u201d as rents climb"
    assert "Jos\u00e9 Alvarez" in (article.page.body or "")


def test_article_latin1_page_without_headline_or_date_keeps_nulls() -> None:
    article = to_article(raw_document(latin1_page(), "latin1.txt"))
    assert isinstance(article, Article)
    assert article.source_encoding in {"cp1252", "latin-1"}
    assert "S\u00e3o Ant\u00f3nio" in (article.page.body or "")
    assert article.page.headline is None
    assert article.page.published is None
    assert article.page.image_credit is None


def test_article_id_is_stable_and_from_content(sample_bytes: bytes) -> None:
    first = to_article(raw_document(sample_bytes, "a.txt"))
    again = to_article(raw_document(sample_bytes, "b/elsewhere.txt", mtime_ns=5))
    changed = to_article(
        raw_document(sample_bytes + b"\nOne more line of text that changes the bytes.", "a.txt")
    )
    assert isinstance(first, Article)
    assert isinstance(again, Article)
    assert isinstance(changed, Article)
    assert first.article_id == again.article_id
    assert changed.article_id != first.article_id


def test_article_non_english_page_gets_its_language() -> None:
    text = (
        "Le conseil municipal a vot\u00e9 mardi soir le budget de la ville pour l'ann\u00e9e prochaine.\n\n"
        "Les \u00e9lus de l'opposition ont d\u00e9nonc\u00e9 une hausse des imp\u00f4ts locaux tr\u00e8s importante.\n"
    )
    article = to_article(raw_document(text.encode("utf-8"), "fr.txt"))
    assert isinstance(article, Article)
    assert article.language == "fr"


def test_article_mojibake_page_is_repaired_and_keeps_its_id() -> None:
    text = (
        "Caf\u00e9 owners fear \u201cthe worst\u201d as rents climb\n\n"
        "March 3, 2022\n\n"
        "Owners of small caf\u00e9s in the old town say rents have doubled in two years, and many expect to close.\n\n"
        "\u201cWe cannot go on like this for much longer,\u201d said Jos\u00e9 Alvarez, who runs a bakery there.\n"
    )
    garbled = text.encode("utf-8").decode("latin-1").encode("utf-8")  # UTF-8 read as Latin-1, saved again
    raw = raw_document(garbled, "mojibake.txt")
    article = to_article(raw)
    assert isinstance(article, Article)
    assert article.source_encoding == "utf-8+ftfy"
    assert article.page.headline == "Caf\u00e9 owners fear \u201cthe worst\u201d as rents climb"
    assert "Jos\u00e9 Alvarez" in (article.page.body or "")
    assert article.source_sha256 == raw.sha256  # the id is the raw bytes', not the repaired text's
    assert article.article_id == raw.sha256[:32]


@pytest.mark.parametrize(
    ("fixture", "path"),
    [
        ("article.html", "courier/harbour.html"),  # by extension
        ("article.html", "courier/harbour.txt"),  # by content: starts with <!DOCTYPE html>
    ],
)
def test_article_html_page_read_with_trafilatura(fixture: str, path: str) -> None:
    article = to_article(raw_document((DATA / "html" / fixture).read_bytes(), path))
    assert isinstance(article, Article)
    assert article.page.headline == "Harbour town votes to rebuild its flooded sea wall"
    assert article.page.authors == ("Maria Okafor", "Tom Lindqvist")
    assert article.page.published is not None
    assert article.page.published.local == datetime(2024, 3, 5)
    assert len(article.page.paragraphs) == 4
    assert "<p>" not in (article.page.body or "")
    assert "Privacy policy" not in (article.page.body or "")
    assert article.language == "en"


def test_article_html_without_article_text_rejected() -> None:
    outcome = to_article(raw_document((DATA / "html" / "menu-only.html").read_bytes(), "sections.html"))
    assert isinstance(outcome, Reject)
    assert (outcome.stage, outcome.reason) == (Stage.PARSE, RejectReason.NO_ARTICLE_TEXT)
    assert "HTML page" in outcome.detail
    assert "no article text" in outcome.detail


def test_article_plain_text_reject_keeps_its_own_detail() -> None:
    outcome = to_article(raw_document(BAD_INPUTS["menu-only.txt"], "menu-only.txt"))
    assert isinstance(outcome, Reject)
    assert "HTML" not in outcome.detail
