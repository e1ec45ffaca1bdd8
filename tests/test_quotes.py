"""Direct quotes: pairing marks, partial quotes, speakers, cue verbs and entity attribution."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.intel.quotes import (
    CUE_RE,
    AttributionMethod,
    EntitySource,
    Quote,
    QuoteRules,
    SpeakerKind,
    extract_quotes,
)
from flows.core.intel.speakers import FEATURES, candidates, shipped_model
from flows.core.models import EntityMention, Section

# The sample article's body paragraphs (our own seed article), up to the second quote.
SAMPLE_PARAGRAPHS = [
    "The Iraqi Resistance Coordination Committee, which consists of four Shia groups affiliate with "
    "Iran, pledged on Friday to fight any foreign soldiers in the country, Anadolu Agency reported.",
    "This came just hours after the launch of the fourth round of strategic dialogue in Washington, "
    "during which Foreign Minister Fuad Hussein stated that his country requires the US arming and "
    "training programme.",
    "Hussein also confirmed that his country is ready to defend the diplomatic missions and their "
    "headquarters in the country, as well as the US military bases hosting US troops.",
    "The Resistance Coordination Committee has previously claimed responsibility for attacks against "
    "US targets in Iraq.",
    "“We will never accept the existence of any foreign soldier on our beloved land under any "
    "pretext, such as claiming they are here as consultants,” a statement asserted.",
    "The statement added: “US trainers and the international alliance have proven their failure "
    "during the past ten years and their failure led to the collapse of the security and military "
    "institutions.”",
    "The US has been leading an international alliance against Daesh since 2014, as about 3,000 "
    "troops are deployed in Iraq, including 2,500 Americans.",
]
ARTICLE = "a" * 32
READ_LINE = (
    "READ: Teen social media influencer threatens to jump off roof amid deteriorating situation in Iraq"
)


def _mentions(text: str, names: list[tuple[str, str]]) -> list[EntityMention]:
    """Every occurrence of each name, longest names first, as a spaCy pipeline would report them."""
    found: list[EntityMention] = []
    for name, label in sorted(names, key=lambda n: -len(n[0])):
        for match in re.finditer(re.escape(name), text):
            if not any(m.start_char < match.end() and match.start() < m.end_char for m in found):
                found.append(EntityMention(ARTICLE, Section.BODY, match.start(), match.end(), name, label, 0))
    return sorted(found, key=lambda m: m.start_char)


_SAMPLE_NAMES = [
    ("Shia", "NORP"),
    ("Iran", "GPE"),
    ("Anadolu Agency", "ORG"),
    ("Washington", "GPE"),
    ("Fuad Hussein", "PERSON"),
    ("Hussein", "PERSON"),
    ("US", "GPE"),
    ("Iraq", "GPE"),
    ("Daesh", "ORG"),
]


@pytest.mark.parametrize(
    ("committee", "short_committee", "with_read_line"),
    [
        ("Iraqi Resistance Coordination Committee", "Resistance Coordination Committee", False),
        ("The Iraqi Resistance Coordination Committee", "The Resistance Coordination Committee", False),
        ("Iraqi Resistance Coordination Committee", "Resistance Coordination Committee", True),
    ],
)
def test_quotes_sample_article_two_quotes_attributed_to_the_committee(
    committee: str, short_committee: str, with_read_line: bool
) -> None:
    paragraphs = list(SAMPLE_PARAGRAPHS)
    if with_read_line:
        paragraphs.insert(5, READ_LINE)
    body = "\n\n".join(paragraphs)
    names = [(committee, "ORG"), (short_committee, "ORG"), *_SAMPLE_NAMES]
    quotes = extract_quotes(body, _mentions(body, names))
    assert [(q.text[:22], q.speaker, q.cue, q.is_partial) for q in quotes] == [
        ("We will never accept t", "a statement", "asserted", False),
        ("US trainers and the in", "The statement", "added", False),
    ]
    assert quotes[0].text.endswith("here as consultants,")
    assert quotes[1].text.endswith("military institutions.")
    assert {q.speaker_entity for q in quotes} == {"Iraqi Resistance Coordination Committee"}
    assert {q.speaker_entity_label for q in quotes} == {"ORG"}
    assert [q.method for q in quotes] == [
        AttributionMethod.QUOTE_SPEAKER_CUE,
        AttributionMethod.SPEAKER_CUE_QUOTE,
    ]
    assert [q.entity_source for q in quotes] == [EntitySource.PRECEDING_SUBJECT, EntitySource.PRECEDING_QUOTE]
    assert all(q.speaker_kind is SpeakerKind.DESCRIPTOR for q in quotes)


def _speaker_summary(quote: Quote) -> tuple[str, str | None, str | None, str | None, AttributionMethod]:
    return quote.text, quote.speaker, quote.speaker_entity, quote.cue, quote.method


_PEOPLE = [("John Smith", "PERSON"), ("Jane Doe", "PERSON"), ("Pentagon", "ORG"), ("Baghdad", "GPE")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"This is wrong," John Smith said.',
            ("This is wrong,", "John Smith", "John Smith", "said", AttributionMethod.QUOTE_SPEAKER_CUE),
        ),
        (
            '"This is wrong," said John Smith, the minister.',
            ("This is wrong,", "John Smith", "John Smith", "said", AttributionMethod.QUOTE_CUE_SPEAKER),
        ),
        (
            "John Smith said: “We will win.”",
            ("We will win.", "John Smith", "John Smith", "said", AttributionMethod.SPEAKER_CUE_QUOTE),
        ),
        (
            "John Smith, the minister, told reporters: “We will win.”",
            ("We will win.", "John Smith", "John Smith", "told", AttributionMethod.SPEAKER_CUE_QUOTE),
        ),
        (
            "“It works,” according to Jane Doe.",
            ("It works,", "Jane Doe", "Jane Doe", "according to", AttributionMethod.ACCORDING_TO),
        ),
        (
            "According to Jane Doe, “it works.”",
            ("it works.", "Jane Doe", "Jane Doe", "According to", AttributionMethod.ACCORDING_TO),
        ),
        (
            "“We are ready,” a Pentagon spokesman told reporters.",
            (
                "We are ready,",
                "a Pentagon spokesman",
                "Pentagon",
                "told",
                AttributionMethod.QUOTE_SPEAKER_CUE,
            ),
        ),
        (
            "“We are ready,” Baghdad said.",
            ("We are ready,", "Baghdad", "Baghdad", "said", AttributionMethod.QUOTE_SPEAKER_CUE),
        ),
        (
            "Jane Doe arrived. “We are ready,” she said.",
            ("We are ready,", "she", "Jane Doe", "said", AttributionMethod.QUOTE_SPEAKER_CUE),
        ),
        (
            "“Stop,” officials warned.",
            ("Stop,", "officials", None, "warned", AttributionMethod.QUOTE_SPEAKER_CUE),
        ),
        (
            "Jane Doe said the plan was “a disgrace” for the city.",
            ("a disgrace", "Jane Doe", "Jane Doe", "said", AttributionMethod.SPEAKER_CUE_QUOTE),
        ),
        (
            "Iraq resistance: ‘We will not accept foreign soldiers in Iraq’",
            (
                "We will not accept foreign soldiers in Iraq",
                "Iraq resistance",
                None,
                None,
                AttributionMethod.COLON,
            ),
        ),
        ("“Nobody knows.” The meeting ended.", ("Nobody knows.", None, None, None, AttributionMethod.NONE)),
    ],
)
def test_quotes_attribution_patterns(
    text: str, expected: tuple[str, str | None, str | None, str | None, AttributionMethod]
) -> None:
    (quote,) = extract_quotes(text, _mentions(text, _PEOPLE))
    assert _speaker_summary(quote) == expected
    if quote.cue_start is not None:
        assert text[quote.cue_start : quote.cue_end] == quote.cue


@pytest.mark.parametrize(
    ("text", "partial"),
    [
        ("Smith called the plan “a disgrace” on Friday.", [True]),
        ("He called it “Disgraceful”.", [True]),
        ("“This is wrong,” he said.", [False]),
        ("He said: “This is wrong.”", [False]),
        ("He said, “This is wrong.”", [False]),
        ("The so-called “experts” and “advisers” disagree.", [True, True]),
    ],
)
def test_quotes_marks_partial_quotes(text: str, partial: list[bool]) -> None:
    assert [q.is_partial for q in extract_quotes(text, [])] == partial


def test_quotes_spanning_paragraphs_open_each_paragraph_and_close_once() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph ends here,” Jane Doe said."
    (quote,) = extract_quotes(text, _mentions(text, _PEOPLE))
    assert [text[s:e] for s, e in quote.paragraphs] == [
        "First paragraph of the quote.",
        "Second paragraph ends here,",
    ]
    assert quote.text == text[quote.start : quote.end]
    assert (quote.speaker_entity, quote.is_partial) == ("Jane Doe", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "unbalanced and nothing more.', []),
        ("Iraq’s army and the soldiers’ families", []),
        ("“One.” Stray ” mark. “Two.”", ["One.", "Two."]),
        ('Straight "one" and "two" quotes', ["one", "two"]),
        ("an ‘open quote\n\nnever closed’ here", []),
        ("“Nested ‘inner words’ stay inside,” he said.", ["Nested ‘inner words’ stay inside,"]),
        ("She said 'it is over' today.", ["it is over"]),
        ("They 'won' easily.", []),
    ],
)
def test_quotes_pairs_marks_without_raising(text: str, expected: list[str]) -> None:
    assert [q.text for q in extract_quotes(text, [])] == expected


def test_quotes_spanning_paragraphs_keep_a_last_paragraph_that_lost_its_closing_mark() -> None:
    text = (
        "The mayor said: “The first part of it.\n\n“The second part, left open.\n\n"
        "READ MORE: an unrelated link\n\nShe was later praised."
    )
    (quote,) = extract_quotes(text, [])
    assert [text[s:e] for s, e in quote.paragraphs] == [
        "The first part of it.",
        "The second part, left open.",
    ]
    assert quote.start < quote.end < quote.mark_end <= len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an open quote continues only into the very next paragraph
        ("She said: “One open paragraph.\n\nNo marks here.\n\n“A new quote,” she added.", ["A new quote,"]),
        # one paragraph left open is still an unmatched mark
        ("She said: “One open paragraph.\n\nNo marks here.", []),
    ],
)
def test_quotes_open_quote_continues_only_into_the_next_paragraph(text: str, expected: list[str]) -> None:
    assert [q.text for q in extract_quotes(text, [])] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The drama “Night Harbour” won three awards on Sunday night.", []),
        ("Critics loved the thriller “Glass” and the comedy “Paper Moon” this year.", []),
        ("“Night Harbour” director Ann Lee said she was surprised by the result.", []),
        ("The boxer Tom “The Hammer” Reyes won again in the city on Friday.", []),
        ("The plan, dubbed “Greenway”, was dropped by the council after a vote.", []),
        ("Fans want “Glass,” “Paper Moon” and “Echo” back on the air soon.", []),
        ("The controller ordered its “Stage 2” plan as the reserves fell.", []),
        ("He called it “Disgraceful”.", ["Disgraceful"]),
        ("“Absolutely,” the mayor said when asked about it.", ["Absolutely,"]),
        ("The mayor called the plan “a disgrace” on Friday.", ["a disgrace"]),
        ("Mayor Says “Very Concerned” About Flooding In Town", ["Very Concerned"]),
    ],
)
def test_quotes_titles_names_and_nicknames_are_not_quotes(text: str, expected: list[str]) -> None:
    assert [q.text for q in extract_quotes(text, [])] == expected


def test_quotes_a_title_named_once_is_a_title_everywhere_in_the_text() -> None:
    text = "The thriller “Glass” opened on Friday.\n\n“Glass” was shot in two weeks, the studio said."
    assert [q.text for q in extract_quotes(text, [])] == []


_FRAGMENTS = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "'",
        "‘",
        "’",
        " said ",
        " a statement ",
        "Smith",
        ",",
        ".",
        ":",
        "\n\n",
        " according to ",
        " ",
    ]
)


@given(st.one_of(st.text(), st.lists(_FRAGMENTS | st.text(max_size=4)).map("".join)), st.data())
def test_quotes_never_raises_and_offsets_match_text(text: str, data: st.DataObject) -> None:
    spans = data.draw(
        st.lists(
            st.builds(
                EntityMention,
                st.just(ARTICLE),
                st.just(Section.BODY),
                st.integers(-2, len(text) + 2),
                st.integers(-2, len(text) + 2),
                st.text(max_size=6),
                st.sampled_from(["PERSON", "ORG", "GPE", "NORP"]),
                st.just(0),
            ),
            max_size=6,
        )
    )
    for quote in extract_quotes(text, spans):
        assert 0 <= quote.mark_start < quote.start <= quote.end < quote.mark_end <= len(text)
        assert text[quote.start : quote.end] == quote.text
        assert all(quote.start <= s <= e <= quote.end for s, e in quote.paragraphs)
        for start, end in ((quote.speaker_start, quote.speaker_end), (quote.cue_start, quote.cue_end)):
            assert (start is None) == (end is None)
            if start is not None and end is not None:
                assert 0 <= start < end <= len(text)
        assert 0.0 <= quote.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("John Smith said in Baghdad on Monday: “We will stay.”", AttributionMethod.SPEAKER_CUE_QUOTE),
        ("John Smith said in Baghdad on Monday morning: “We will stay.”", AttributionMethod.SAME_SENTENCE),
    ],
)
def test_quotes_cue_before_the_quote_is_at_most_four_words_from_it(
    text: str, method: AttributionMethod
) -> None:
    (quote,) = extract_quotes(text, _mentions(text, _PEOPLE))
    assert (quote.speaker_entity, quote.method) == ("John Smith", method)


# --- speakers of follow-on quotes, appositions, pronouns and addressed programmes -------------------------

_FOLK = [
    ("Mara Lind", "PERSON"),
    ("Lind", "PERSON"),
    ("Tomas Berg", "PERSON"),
    ("Berg", "PERSON"),
    ("Harbor Fund", "ORG"),
    ("Elias Moor", "PERSON"),
    ("Rita Vale", "PERSON"),
]


def _who(text: str, rules: QuoteRules | None = None) -> list[tuple[str, str | None, AttributionMethod]]:
    """Each quote's words with its speaker entity (or phrase) and method."""
    quotes = extract_quotes(text, _mentions(text, _FOLK), **({"rules": rules} if rules else {}))
    return [(q.text, q.speaker_entity or q.speaker, q.method) for q in quotes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the second half of “A,” X said. “B.”
            "“The vote is close,” Mara Lind said. “We will win it.”",
            [
                ("The vote is close,", "Mara Lind", AttributionMethod.QUOTE_SPEAKER_CUE),
                ("We will win it.", "Mara Lind", AttributionMethod.FOLLOW_ON),
            ],
        ),
        (  # a quote opening the next paragraph goes on with the same speaker
            "“The vote is close,” Mara Lind said.\n\n“We will win it anyway.”",
            [
                ("The vote is close,", "Mara Lind", AttributionMethod.QUOTE_SPEAKER_CUE),
                ("We will win it anyway.", "Mara Lind", AttributionMethod.FOLLOW_ON),
            ],
        ),
        (  # a new name before the quote in its own sentence ends the follow-on
            "“The vote is close,” Mara Lind said. Fund chief Tomas Berg is calling that “nonsense.”",
            [
                ("The vote is close,", "Mara Lind", AttributionMethod.QUOTE_SPEAKER_CUE),
                ("nonsense.", "Tomas Berg", AttributionMethod.SENTENCE_SUBJECT),
            ],
        ),
        (  # a quote after "..., X said." in the sentence before it
            "The fund lost money last year, Tomas Berg said. “Nobody saw it coming.”",
            [("Nobody saw it coming.", "Tomas Berg", AttributionMethod.FOLLOW_ON)],
        ),
        (  # a long apposition before the cue: the name before it
            "Elias Moor, a lawyer who has represented the fund for a decade in several cases, wrote in an "
            "email: “This was the worst day.”",
            [("This was the worst day.", "Elias Moor", AttributionMethod.SPEAKER_CUE_QUOTE)],
        ),
        (  # the clause before "X said" is all apposition
            "Rita Vale, who lives outside the capital, said she still “hopes for the best.”",
            [("hopes for the best.", "Rita Vale", AttributionMethod.SPEAKER_CUE_QUOTE)],
        ),
        (  # a title abbreviation does not end the speaker's name
            "“It is over,” said Rep. Tomas Berg, the ranking member.",
            [("It is over,", "Tomas Berg", AttributionMethod.QUOTE_CUE_SPEAKER)],
        ),
        (  # a quote ending in ? with its speaker after the closing mark
            "“Why now?” Tomas Berg asked. Then he left.",
            [("Why now?", "Tomas Berg", AttributionMethod.QUOTE_SPEAKER_CUE)],
        ),
        (  # what follows the quote opens with a conjunction: not a speaker, so the cue before it
            "Tomas Berg had previously said, “We’ll see,” when asked about the fund.",
            [("We’ll see,", "Tomas Berg", AttributionMethod.SPEAKER_CUE_QUOTE)],
        ),
        (  # “…” — X, as in a list of readers' comments
            "“Prices keep rising and nobody listens.” ― Rita Vale\n\nMore later.",
            [("Prices keep rising and nobody listens.", "Rita Vale", AttributionMethod.DASH_CREDIT)],
        ),
        (  # the subject opening the sentence of a partial quote
            "Tomas Berg is promising lower taxes and “jobs, jobs, jobs” to voters.",
            [("jobs, jobs, jobs", "Tomas Berg", AttributionMethod.SENTENCE_SUBJECT)],
        ),
        (  # a name inside an opening phrase is not the subject
            "In a Harbor Fund statement, Rita Vale condemned the vote as “reckless.”",
            [("reckless.", "Rita Vale", AttributionMethod.SENTENCE_SUBJECT)],
        ),
        (  # a few words of description before the subject
            "Former county treasurer Rita Vale is releasing an ad that urges voters to “send a message.”",
            [("send a message.", "Rita Vale", AttributionMethod.SENTENCE_SUBJECT)],
        ),
        (  # a long opening phrase before the subject
            "At a crowded fundraising dinner in the old harbour hall with the Harbor Fund donors, Rita Vale "
            "called the plan “reckless.”",
            [("reckless.", "Rita Vale", AttributionMethod.SENTENCE_SUBJECT)],
        ),
        (  # "reported" and "joked" are cues like "said"
            "“The fund is closing,” Harbor Fund reported. “Not today,” Tomas Berg joked.",
            [
                ("The fund is closing,", "Harbor Fund", AttributionMethod.QUOTE_SPEAKER_CUE),
                ("Not today,", "Tomas Berg", AttributionMethod.QUOTE_SPEAKER_CUE),
            ],
        ),
        (  # the cue first and the speaker after it, then a colon and the quote in the next paragraph
            "Added Tomas Berg:\n\n“The fund will not close this year.”",
            [("The fund will not close this year.", "Tomas Berg", AttributionMethod.FOLLOW_ON)],
        ),
        (  # the same in one sentence
            "Continued Rita Vale: “Nobody saw it coming.”",
            [("Nobody saw it coming.", "Rita Vale", AttributionMethod.SPEAKER_CUE_QUOTE)],
        ),
    ],
)
def test_quotes_speaker_shapes(text: str, expected: list[tuple[str, str | None, AttributionMethod]]) -> None:
    assert _who(text) == expected


def test_quotes_pronoun_never_resolves_to_a_name_inside_a_quote() -> None:
    text = "Mara Lind spoke first.\n\n“I never met Tomas Berg,” she said."
    (quote,) = extract_quotes(text, _mentions(text, _FOLK))
    assert (quote.speaker, quote.speaker_entity, quote.entity_source) == (
        "she",
        "Mara Lind",
        EntitySource.PRONOUN,
    )


def test_quotes_pronoun_skips_a_person_titled_as_the_other_sex() -> None:
    text = "Mr. Tomas Berg met Mrs. Mara Lind.\n\n“It went well,” he said."
    (quote,) = extract_quotes(text, _mentions(text, _FOLK))
    assert (quote.speaker, quote.speaker_entity) == ("he", "Tomas Berg")


def test_quotes_pronoun_after_an_opening_phrase_is_the_speaker() -> None:
    text = "Mara Lind spoke. Still, she added, “we cannot ignore the change.”"
    (quote,) = extract_quotes(text, _mentions(text, _FOLK))
    assert (quote.speaker, quote.speaker_entity) == ("she", "Mara Lind")


def test_quotes_programme_a_speaker_talked_to_is_not_a_quote() -> None:
    text = "Tomas Berg told “Meet the Voters” on Sunday that the fund would close."
    assert extract_quotes(text, _mentions(text, _FOLK)) == ()


def test_quotes_rules_switched_off_leave_the_follow_on_quote_without_speaker() -> None:
    text = "“The vote is close,” Mara Lind said. “We will win it.”"
    off = QuoteRules(follow_on=False, sentence_subject=False, ranked_speaker=False)
    assert _who(text, off)[1] == ("We will win it.", None, AttributionMethod.NONE)


@pytest.mark.parametrize(
    "text",
    [
        "Tomas Berg told ABC's “Good Morning Valley.” The fund would close, he added.",
        'The post ended. <tweet tweet-id="12345" author="@someone"><tweet/>',
    ],
)
def test_quotes_programmes_of_a_name_and_markup_values_are_not_quotes(text: str) -> None:
    assert extract_quotes(text, _mentions(text, _FOLK)) == ()


# --- the speaker ranker: quotes no rule attributes --------------------------------------------------------


def test_quotes_ranker_gives_the_follow_on_quote_a_speaker_when_the_rules_cannot() -> None:
    text = "“The vote is close,” Mara Lind said. “We will win it.”"
    off = QuoteRules(follow_on=False, sentence_subject=False)
    quote = extract_quotes(text, _mentions(text, _FOLK), rules=off)[1]
    assert (quote.speaker_entity, quote.method, quote.entity_source) == (
        "Mara Lind",
        AttributionMethod.RANKED,
        EntitySource.NAMED,
    )
    assert 0.0 < quote.confidence < 0.8


def test_quotes_ranker_leaves_a_quote_without_any_name_nearby_unattributed() -> None:
    text = "Mara Lind spoke on Monday.\n\nThe weather was cold.\n\nA shop door showed “closed for the winter” all week."
    (quote,) = extract_quotes(text, _mentions(text, _FOLK))
    assert (quote.speaker, quote.method, quote.confidence) == (None, AttributionMethod.NONE, 0.0)


def test_quotes_ranker_shipped_model_has_the_features_of_the_code() -> None:
    model = shipped_model()
    assert model is not None
    assert model.features == FEATURES


def test_quotes_ranker_prefers_the_nearer_name_in_the_same_sentence() -> None:
    text = "Tomas Berg met voters.\n\nLater Mara Lind called the plan “a disgrace” in a long speech."
    start, end = text.index("“"), text.index("”") + 1
    found = candidates(text, start, end, [(start, end)], _mentions(text, _FOLK), CUE_RE)
    model = shipped_model()
    assert model is not None
    probabilities = model.probabilities(np.array([features for _, features in found]))
    assert [m.text for m, _ in found] == ["Tomas Berg", "Mara Lind"]
    assert probabilities[1] > probabilities[0]
