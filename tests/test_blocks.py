"""Text blocks: how a page is cut into blocks, what each block is (body, boilerplate, legal, table), stop words."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.page import blocks
from flows.core.page.blocks import (
    COMMENT_MARK,
    SPACED_LANGUAGES,
    STOP_HIGH,
    STOP_WORDS,
    BlockClass,
    best_language,
    block_features,
    classify,
    classify_blocks,
    densest_span,
    ends_as_sentence,
    ends_as_statement,
    is_comment_mark,
    is_legal,
    lower_words,
    page_stop_words,
    table_cells,
)

DATA = Path(__file__).parent / "data" / "parse"


def _page(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "The ferry left the pier at noon, and riders cheered as it pulled away from the dock.",
            BlockClass.GOOD,
        ),
        ("Home", BlockClass.SHORT),
        (
            "Subscribe to our newsletter for the latest news and offers from our partners today",
            BlockClass.BAD,
        ),
        (
            "Weather Traffic Sports Business Entertainment Lifestyle Opinion Obituaries Classifieds",
            BlockClass.BAD,
        ),
    ],
)
def test_blocks_classify_by_shape(block: str, expected: BlockClass) -> None:
    assert classify(block_features(block)) is expected


def test_blocks_repeated_short_block_is_boilerplate() -> None:
    line = "Share this story with friends and family on the social sites"
    assert classify(block_features(line, repeats=2)) is BlockClass.BAD


def test_blocks_near_good_joins_good_neighbour() -> None:
    good = (
        "The council voted on Monday to keep the library open on Sundays, after a long debate on the budget."
    )
    near = "It was the third vote on the issue this year."  # short sentence
    classes = classify_blocks([good * 2, near, good])
    assert classes[1] is BlockClass.GOOD


def test_blocks_page_stop_words_learn_function_words_of_uncovered_language() -> None:
    sentences = [
        f"Kota {name} ialah tempat yang ramai sekali pada hari minggu bagi semua warga kota kami."
        for name in ("Alfa", "Beta", "Gama", "Delta", "Epsi", "Zeta", "Eta", "Teta")
    ]
    extra = page_stop_words(sentences) - STOP_WORDS
    assert {"ialah", "bagi", "semua"} <= extra
    english = ["The ferry left the pier at noon and the crew said it was on time for the first trip."] * 8
    assert page_stop_words(english) == STOP_WORDS


@pytest.mark.parametrize(
    ("block", "legal"),
    [
        ("This website uses cookies to improve your experience. You can opt-out in your browser.", True),
        ("© 2022 Example Media. All rights reserved.", True),
        ("The regulator fined the company over its use of cookies, the agency said on Tuesday.", False),
    ],
)
def test_blocks_legal_text_is_recognised(block: str, legal: bool) -> None:
    assert is_legal(block) is legal


def test_blocks_repeated_sentence_joins_article_but_repeated_menu_item_does_not() -> None:
    good = (
        "The council voted on Monday to keep the library open on Sundays, after a long debate on the budget."
    )
    quote = '"We did not think this was the right way to do things at all," the mayor told the meeting.'
    menu = "Local News Sport Weather"
    classes = classify_blocks([good, good + " Again.", quote, "Menu", menu, menu, "Footer", quote])
    assert classes[2] is BlockClass.GOOD  # the quote shown again further down stays article text here
    assert classes[4] is BlockClass.BAD


def test_blocks_short_last_sentence_joins_article_but_teaser_question_does_not() -> None:
    good = (
        "The council voted on Monday to keep the library open on Sundays, after a long debate on the budget."
    )
    closing = "Her last day at the library is in April."
    teaser = "Markets on a high and prices rising: time to be careful now?"
    other = good.replace("Monday", "Tuesday")
    assert classify_blocks([good, other, closing, "Share"])[2] is BlockClass.GOOD
    assert classify_blocks([good, other, teaser, "Share"])[2] is not BlockClass.GOOD


def test_blocks_page_stop_words_add_the_list_of_the_page_language() -> None:
    page = _page("dutch_story.txt").split("\n\n")
    stops = page_stop_words(page)
    assert {"naar", "zijn", "haar", "ook"} <= stops - STOP_WORDS  # spaCy's Dutch list joins the built-in one
    sentence = "Volgens de rederij zijn beide motoren vervangen en is ook het stuur helemaal vernieuwd."
    assert block_features(sentence, stop_words=STOP_WORDS).stop_density < STOP_HIGH
    assert block_features(sentence, stop_words=stops).stop_density >= STOP_HIGH
    english = ["The ferry left the pier at noon and the crew said it was on time for the first trip."] * 8
    assert page_stop_words(english) == STOP_WORDS


def test_blocks_table_after_an_intro_is_article_but_a_widget_after_a_heading_is_not() -> None:
    intro = "The final standings of the regional touring series after twelve rounds of racing this year:"
    cells = ["Pos.", "Driver", "Points", "1", "Ana Ruiz", "412", "2", "Bo Chan", "398", "3", "Cy Dee", "350"]
    after = "Only the top ten drivers score points in the final round, which is held on the old airfield."
    blocks = [intro, *cells, after]
    assert table_cells(blocks, classify_blocks(blocks)) == set(range(1, len(cells) + 1))
    calendar = ["November 2019", "M", "T", "W", "T", "F", "1", "2", "3", "4", "5", "6", "7", "8"]
    assert table_cells(calendar, classify_blocks(calendar)) == set()


def test_blocks_related_label_is_a_soft_break() -> None:
    story = [
        "The council voted on Monday to keep the library open on Sundays, after a long debate on the budget.",
        "Readers had signed a letter asking for longer hours, and the librarians said they would staff them.",
    ]
    more = (
        "The new hours start in May. The council will pay for two more librarians from the money it saved on "
        "the heating of the old town hall, and it will look again at the plan after a year."
    )
    teaser = "Our case against the closure has been expedited. Here is what that means."
    label = {2: -150, 3: 0}  # the "Related" label costs a soft break, the headline under it nothing
    for tail, span in ((more, (0, 5)), (teaser, (0, 2))):  # a short teaser does not pay for the label
        blocks = [*story, "Related", "Bridge plan shelved again by the board", tail]
        assert densest_span(blocks, classify_blocks(blocks), label) == span


def test_blocks_language_stop_words_are_spacys_public_lists() -> None:
    from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH

    found = best_language(["de", "boot", "is", "naar", "het", "eiland", "zijn"])
    assert found == frozenset(word.lower() for word in DUTCH)
    assert "zijn" in found


@pytest.mark.parametrize("code", SPACED_LANGUAGES)
def test_blocks_stop_words_from_the_file_are_those_of_the_public_import(code: str) -> None:
    public = importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    assert blocks._stop_words_from_file(code) == frozenset(public)


def test_blocks_stop_words_fall_back_to_the_public_import(monkeypatch: pytest.MonkeyPatch) -> None:
    from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH

    monkeypatch.setattr(blocks, "_stop_words_from_file", lambda code: None)
    assert set(blocks._spacy_stop_words("nl")) == set(DUTCH)
    assert blocks._spacy_stop_words("xx-none") == ()


# The boilerplate, legal and headline-boilerplate patterns open with a lookahead on their alternatives' first
# letters (a speed-up): every phrase they list must still be found, in any case.
@pytest.mark.parametrize(
    "phrase",
    [
        "cookies", "subscribed", "subscription", "newsletter", "sign in", "sign up", "login", "log out",
        "advertisement", "all rights reserved", "copyright", "privacy policy", "terms of use", "share this",
        "skip to", "navigation", "follow us", "click here", "your inbox", "email address", "comments below",
        "related stories", "most popular", "sponsored", "download our app", "read more", "see more", "watch now",
        "continue reading", "you might also like", "more from",
    ],
)  # fmt: skip
def test_blocks_every_boilerplate_phrase_is_found(phrase: str) -> None:
    for text in (phrase, phrase.upper(), phrase.title()):
        assert block_features(f"Some words then {text} and more words").boilerplate


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cookies", "consent"), ("privacy", "personal data"), ("terms and conditions", "trademark"),
        ("registered trademark", "all rights reserved"), ("copyright", "disclaimer"), ("affiliate", "our site"),
        ("this website", "not be intended"), ("liability", "opt-out"), ("third parties", "browser"),
        ("subscribers", "website"),
    ],
)  # fmt: skip
def test_blocks_any_two_legal_terms_with_an_addressee_make_a_legal_block(first: str, second: str) -> None:
    assert is_legal(f"We note the {first.upper()} and the {second} here.")
    assert not is_legal(f"The {first} was discussed at length.")  # one term, no addressee


@pytest.mark.parametrize(
    ("block", "sentence", "statement"),
    [
        ("The minister resigned.", True, True),
        ("Why did the minister resign?", True, False),
        ("The dates are:", True, False),
        ('He said: "We will win."  ', True, True),
        ("He said: “We will win!”)", True, True),
        ("(Reporting by Ana Ruiz.)", True, True),
        ("“Quoted headline”", True, False),  # a closing quote ends a sentence, not a statement
        ("The minister resigned", False, False),
        ("Tokyoで会議が開かれた。", True, True),
        ("Tokyo「会議。」", True, False),
        ("", False, False),
    ],
)
def test_blocks_a_block_ends_as_a_sentence_or_a_statement(
    block: str, sentence: bool, statement: bool
) -> None:
    assert ends_as_sentence(block) is sentence
    assert ends_as_statement(block) is statement


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Don't tell the U.S. Senate", ["don't", "tell", "the", "u.s", "senate"]),
        ("İstanbul İS big", ["i̇stanbul", "i̇s", "big"]),  # lowered word by word
        ("ΟΔΟΣ..Α", ["οδος", "α"]),  # a word's own final sigma
    ],
)
def test_blocks_lower_words_are_the_words_in_lower_case(text: str, words: list[str]) -> None:
    assert lower_words(text) == words


@pytest.mark.parametrize(
    "block",
    [
        "34 Comments",
        "Leave a Reply",
        "post a comment",
        "Add a comment",
        "Write a reply",
        "Comments (12):",
        "discussion",
        "Reader comments",
        "joe says:",
        "Mary wrote:\n",
        "The minister said:",
        "Comment",
    ],
)
def test_blocks_comment_marks_are_recognised(block: str) -> None:
    assert is_comment_mark(block)


@given(
    st.lists(
        st.sampled_from(["34 ", "Comments", "comment", "Leave a ", "POST A ", "reply", "Discussion", "(12)"])
        | st.sampled_from([":", ":\n", "joe ", "says", "wrote", " ", "\n", "x" * 30, "Reader comments"])
    ).map("".join)
)
def test_blocks_comment_mark_test_finds_what_its_pattern_finds(block: str) -> None:
    assert is_comment_mark(block) is (COMMENT_MARK.match(block) is not None)


def test_the_cached_words_of_blocks_hold_each_distinct_word_once() -> None:
    # Pages repeat words across thousands of cached blocks; each word is one object (docs/performance.md).
    first = blocks._block_words("The minister said the talks would go on.")
    second = blocks._block_words("Talks: THE minister spoke again.")

    assert first[0] == first[3] == second[1] == "the"
    assert first[0] is first[3] is second[1]
    assert first[1] is second[2]  # "minister"
