"""Canonical entities: short forms, aliases, keys and salience within one article."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.intel.canonical import (
    LinkMethod,
    batch_identities,
    canonicalize,
    entity_key,
    expand_short_form,
    full_names,
    link_mentions,
    normalize_name,
    rekey,
    resolve_entities,
)
from flows.core.models import EntityMention, Section

H, C, B = Section.HEADLINE, Section.CAPTION, Section.BODY


def _m(text: str, label: str, section: Section = B, sentence: int = 3, start: int = 0) -> EntityMention:
    return EntityMention("a" * 32, section, start, start + len(text), text, label, sentence)


# The sample article's mentions in the caller's order (headline, caption, body), as spaCy might label them.
SAMPLE = [
    _m("Iraq", "GPE", H, 0, 0),
    _m("Baghdad International Airport", "FAC", C, 0, 26),
    _m("US", "GPE", C, 0, 97),
    _m("The Iraqi Resistance Coordination Committee", "ORG", B, 0, 0),
    _m("Shia", "NORP", B, 0, 76),
    _m("Iran", "GPE", B, 0, 107),
    _m("Anadolu Agency", "ORG", B, 0, 172),
    _m("Fuad Hussein", "PERSON", B, 1, 340),
    _m("US", "GPE", B, 1, 390),
    _m("Hussein", "PERSON", B, 2, 420),
    _m("The Resistance Coordination Committee", "ORG", B, 3, 600),
    _m("US", "GPE", B, 3, 700),
    _m("Daesh", "ORG", B, 6, 1100),
]


def test_canonical_sample_article_entities() -> None:
    entities = {e.name: e for e in canonicalize(SAMPLE)}
    assert sorted(entities) == [
        "Anadolu Agency",
        "Baghdad International Airport",
        "Fuad Hussein",
        "Iran",
        "Iraq",
        "Iraqi Resistance Coordination Committee",
        "Islamic State",
        "Shia",
        "United States",
    ]
    committee = entities["Iraqi Resistance Coordination Committee"]
    assert (committee.label, committee.mention_count, committee.first_order) == ("ORG", 2, 3)
    assert committee.entity_key == "ORG:iraqi resistance coordination committee"
    assert entities["Fuad Hussein"].mention_count == 2
    assert entities["United States"].mention_count == 3
    assert (entities["United States"].first_section, entities["United States"].first_start) == (C, 97)


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        ([_m("Fuad Hussein", "PERSON"), _m("Hussein", "PERSON")], ["Fuad Hussein", "Fuad Hussein"]),
        ([_m("Hussein", "PERSON"), _m("Fuad Hussein", "PERSON")], ["Fuad Hussein", "Fuad Hussein"]),
        (
            [_m("Fuad Hussein", "PERSON"), _m("Saddam Hussein", "PERSON"), _m("Hussein", "PERSON")],
            ["Fuad Hussein", "Saddam Hussein", "Hussein"],
        ),
        (
            [_m("Iraqi Resistance Coordination Committee", "ORG"), _m("the Committee", "ORG")],
            ["Iraqi Resistance Coordination Committee", "Iraqi Resistance Coordination Committee"],
        ),
        (
            [_m("Iraqi Resistance Coordination Committee", "ORG"), _m("IRCC", "ORG")],
            ["Iraqi Resistance Coordination Committee", "Iraqi Resistance Coordination Committee"],
        ),
        (
            [_m("Baghdad International Airport", "FAC"), _m("Baghdad", "GPE")],
            ["Baghdad International Airport", "Baghdad"],
        ),
        ([_m("Hussein", "PERSON"), _m("Hussein Foundation", "ORG")], ["Hussein", "Hussein Foundation"]),
        ([_m("NATO", "ORG"), _m("Nato", "ORG")], ["NATO", "NATO"]),
        (  # a short form is consecutive words of the longer one
            [_m("Iraqi Resistance Coordination Committee", "ORG"), _m("Coordination Committee", "ORG")],
            ["Iraqi Resistance Coordination Committee", "Iraqi Resistance Coordination Committee"],
        ),
        (
            [_m("Iraqi Resistance Coordination Committee", "ORG"), _m("Resistance Committee", "ORG")],
            ["Iraqi Resistance Coordination Committee", "Resistance Committee"],
        ),
        (  # an acronym of another label's name is not its short form
            [_m("Iraqi Resistance Coordination Committee", "ORG"), _m("IRCC", "PERSON")],
            ["Iraqi Resistance Coordination Committee", "IRCC"],
        ),
    ],
)
def test_canonical_joins_short_forms_only_when_unambiguous(
    mentions: list[EntityMention], expected: list[str]
) -> None:
    assert [link.name for link in link_mentions(mentions)] == expected


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("US", "GPE", ("United States", "GPE")),
        ("U.S.", "GPE", ("United States", "GPE")),
        ("USA", "GPE", ("United States", "GPE")),
        ("the United States", "GPE", ("United States", "GPE")),
        ("America", "GPE", ("United States", "GPE")),
        ("UK", "GPE", ("United Kingdom", "GPE")),
        ("Great Britain", "GPE", ("United Kingdom", "GPE")),
        ("Daesh", "ORG", ("Islamic State", "ORG")),
        ("ISIL", "ORG", ("Islamic State", "ORG")),
        ("IS", "ORG", ("Islamic State", "ORG")),
        ("U.N.", "ORG", ("United Nations", "ORG")),
        ("EU", "ORG", ("European Union", "ORG")),
        ("American", "NORP", ("American", "NORP")),
        ("Is", "ORG", ("Is", "ORG")),
    ],
)
def test_canonical_alias_table(text: str, label: str, expected: tuple[str, str]) -> None:
    (link,) = link_mentions([_m(text, label)])
    assert (link.name, link.label) == expected
    assert (link.method is LinkMethod.ALIAS) == (expected[0] != text)


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("The Iraqi Resistance Coordination Committee", "ORG", "Iraqi Resistance Coordination Committee"),
        ("the Committee's", "ORG", "Committee"),
        ("Hussein’s", "PERSON", "Hussein"),
        ("Mr Hussein", "PERSON", "Hussein"),
        ("Foreign Minister Fuad Hussein", "PERSON", "Fuad Hussein"),
        ("  Anadolu\nAgency, ", "ORG", "Anadolu Agency"),
        ("U.S.", "GPE", "U.S."),
        ("the", "ORG", "the"),
    ],
)
def test_canonical_normalize_name(text: str, label: str, expected: str) -> None:
    assert normalize_name(text, label) == expected


def test_canonical_entity_key_is_stable_across_articles() -> None:
    first = canonicalize([_m("The Iraqi Resistance Coordination Committee", "ORG")])
    second = canonicalize([_m("Iraqi Resistance Coordination Committee", "ORG"), _m("Daesh", "ORG")])
    assert (
        first[0].entity_key
        == second[0].entity_key
        == entity_key("Iraqi Resistance Coordination Committee", "ORG")
    )
    assert entity_key("Iraq", "GPE") != entity_key("Iraq", "ORG")


def test_canonical_salience_weights_headline_lead_and_frequency() -> None:
    entities = canonicalize(
        [
            _m("Iraq", "GPE", H, 0),  # 3
            _m("Baghdad", "GPE", B, 0),  # 2 (lead sentence)
            _m("Tehran", "GPE", B, 5),  # 1
            _m("Tehran", "GPE", B, 6),  # 1
            _m("Ankara", "GPE", C, 0),  # 1.5
        ]
    )
    assert {e.name: e.salience for e in entities} == {
        "Iraq": 1.0,
        "Baghdad": 0.6667,
        "Tehran": 0.6667,
        "Ankara": 0.5,
    }


def test_canonical_accepts_pipeline_mentions_and_expands_names() -> None:
    mention = EntityMention("a1", Section.BODY, 4, 16, "Fuad Hussein", "PERSON", 1)
    assert [link.entity_key for link in link_mentions([mention])] == ["PERSON:fuad hussein"]
    names = [("Iraqi Resistance Coordination Committee", "ORG"), ("Anadolu Agency", "ORG")]
    assert expand_short_form("The Resistance Coordination Committee", "ORG", names) == names[0][0]
    assert expand_short_form("Agency", "GPE", names) == "Agency"


def test_canonical_full_names_of_only_the_wanted_names_still_join_the_others() -> None:
    names = [("Hussein", "PERSON"), ("Fuad Hussein", "PERSON"), ("IRCC", "ORG")]
    names.append(("Iraqi Resistance Coordination Committee", "ORG"))

    assert full_names(names, wanted=[("Hussein", "PERSON"), ("IRCC", "ORG")]) == {
        ("Hussein", "PERSON"): "Fuad Hussein",
        ("IRCC", "ORG"): "Iraqi Resistance Coordination Committee",
    }
    assert full_names(names, wanted=[]) == {}
    assert full_names(names) == full_names(names, wanted=names)


_NAMES = st.sampled_from(
    ["US", "U.S.", "Hussein", "Fuad Hussein", "the Committee", "IS", "Is", "", " ", "'s", "."]
)
_MENTIONS = st.builds(
    EntityMention,
    st.just("a" * 32),
    st.sampled_from(list(Section)),
    st.integers(0, 500),
    st.integers(0, 500),
    _NAMES | st.text(max_size=12),
    st.sampled_from(["PERSON", "ORG", "GPE", "NORP", "FAC"]),
    st.integers(0, 20),
)


@given(st.lists(_MENTIONS, max_size=25))
def test_canonical_never_raises_and_links_every_mention(mentions: list[EntityMention]) -> None:
    entities = canonicalize(mentions)
    links = link_mentions(mentions)
    assert [link.order for link in links] == list(range(len(mentions)))
    keys = {e.entity_key for e in entities}
    assert {link.entity_key for link in links} == keys
    assert sum(e.mention_count for e in entities) == len(mentions)
    assert all(0.0 <= e.salience <= 1.0 for e in entities)


# --- one identity per entity: across articles, across labels, and no merge of different things -------------


@pytest.mark.parametrize(
    "names",
    [
        [("Apple", "ORG"), ("Apple Inc", "ORG"), ("Apple Inc.", "ORG"), ("Apple, Inc.", "ORG")],
        [("GM", "ORG"), ("General Motors", "ORG"), ("General Motors Co.", "ORG")],
        [("AP", "ORG"), ("Associated Press", "ORG"), ("The Associated Press", "ORG")],
        [("Walt Disney Company", "ORG"), ("Walt Disney Co", "ORG"), ("Walt Disney", "ORG")],
    ],
)
def test_canonical_one_key_across_articles_for_legal_forms_and_known_acronyms(
    names: list[tuple[str, str]],
) -> None:
    keys = {canonicalize([_m(text, label)])[0].entity_key for text, label in names}
    assert len(keys) == 1, keys


def test_canonical_legal_forms_stay_in_other_labels_and_inside_names() -> None:
    assert entity_key("Group", "ORG") == "ORG:group"
    assert entity_key("Co-operative Bank", "ORG") == "ORG:co-operative bank"
    assert entity_key("Ap", "ORG") != entity_key("Associated Press", "ORG")


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        (  # the first words of an ORG name are another thing
            [_m("House Freedom Caucus", "ORG"), _m("House", "ORG")],
            ["House Freedom Caucus", "House"],
        ),
        ([_m("Chrysler Aspen", "ORG"), _m("Chrysler", "ORG")], ["Chrysler Aspen", "Chrysler"]),
        (
            [_m("Thomson Reuters Trust Principles", "ORG"), _m("Reuters", "ORG")],
            ["Thomson Reuters Trust Principles", "Reuters"],
        ),
        (  # its last words, or its name before the legal form, are the same thing
            [_m("Apple Inc", "ORG"), _m("Apple", "ORG")],
            ["Apple Inc", "Apple Inc"],
        ),
        (  # and so is its name before a word of its trade
            [_m("Apple Computer", "ORG"), _m("Apple", "ORG"), _m("Apple Music", "ORG")],
            ["Apple Computer", "Apple Computer", "Apple Music"],
        ),
        (  # persons still join by any run of their name
            [_m("Julian Assange", "PERSON"), _m("Julian", "PERSON")],
            ["Julian Assange", "Julian Assange"],
        ),
    ],
)
def test_canonical_merges_do_not_swallow_a_different_thing(
    mentions: list[EntityMention], expected: list[str]
) -> None:
    assert [link.name for link in link_mentions(mentions)] == expected


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        (  # a surname the model called ORG beside the person's full name is the person
            [_m("Julian Assange", "PERSON"), _m("Assange", "ORG"), _m("Assange", "PERSON")],
            ["PERSON:julian assange"] * 3,
        ),
        ([_m("Steve Jobs", "PERSON"), _m("Jobs", "ORG")], ["PERSON:steve jobs"] * 2),
        (  # a country called PERSON in a title-case headline keeps the body's label
            [_m("Russia", "PERSON", H, 0), _m("Russia", "GPE"), _m("Russia", "GPE")],
            ["GPE:russia"] * 3,
        ),
        (  # a place beside a person of that name stays a place
            [_m("George Washington", "PERSON"), _m("Washington", "GPE")],
            ["PERSON:george washington", "GPE:washington"],
        ),
        (  # a surname that also opens a company's name stays the company's (its name without the trade)
            [_m("Gerald Ford", "PERSON"), _m("Ford Motor", "ORG"), _m("Ford", "ORG")],
            ["PERSON:gerald ford", "ORG:ford motor", "ORG:ford motor"],
        ),
        (  # a surname shared by two people stays apart
            [_m("Hillary Clinton", "PERSON"), _m("Bill Clinton", "PERSON"), _m("Clinton", "ORG")],
            ["PERSON:hillary clinton", "PERSON:bill clinton", "ORG:clinton"],
        ),
    ],
)
def test_canonical_one_identity_per_entity_whatever_each_mention_label(
    mentions: list[EntityMention], expected: list[str]
) -> None:
    assert [link.entity_key for link in link_mentions(mentions)] == expected


# --- one identity across the articles of a batch ----------------------------------------------------------


def _batch_keys(articles: list[list[tuple[str, str]]]) -> list[list[str]]:
    """Each article's mention keys once the batch's identities are applied."""
    mentions = [[_m(text, label) for text, label in names] for names in articles]
    resolved = [resolve_entities(own) for own in mentions]
    identities = batch_identities(
        (e.entity_key, e.name, e.label) for resolution in resolved for e in resolution.entities
    )
    return [
        [link.entity_key for link in rekey(own, resolution, identities).links]
        for own, resolution in zip(mentions, resolved, strict=True)
    ]


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        (  # an acronym another article writes in full
            [[("Harbor Valley Rail", "ORG")], [("HVR", "ORG")]],
            [["ORG:harbor valley rail"], ["ORG:harbor valley rail"]],
        ),
        (  # with a legal form on either side
            [[("International Kettle Machines Corp.", "ORG")], [("IKM Inc.", "ORG")]],
            [["ORG:international kettle machines"], ["ORG:international kettle machines"]],
        ),
        (  # a name with its trade beside the bare name, and one written together
            [[("Orla Computer", "ORG")], [("Orla", "ORG")], [("Brix Mobil", "ORG")], [("BrixMobil", "ORG")]],
            [["ORG:orla"], ["ORG:orla"], ["ORG:brix mobil"], ["ORG:brix mobil"]],
        ),
        (  # two companies that share a first word keep their own acronyms
            [[("General Electric", "ORG")], [("General Motors", "ORG")], [("GM", "ORG")], [("GE", "ORG")]],
            [
                ["ORG:general electric"],
                ["ORG:general motors"],
                ["ORG:general motors"],
                ["ORG:general electric"],
            ],
        ),
        (  # a surname that ends one full name of the batch
            [[("Christine Lagarde", "PERSON")], [("Lagarde", "PERSON")]],
            [["PERSON:christine lagarde"], ["PERSON:christine lagarde"]],
        ),
    ],
)
def test_canonical_batch_gives_one_key_to_names_written_in_full_elsewhere(
    articles: list[list[tuple[str, str]]], expected: list[list[str]]
) -> None:
    assert _batch_keys(articles) == expected


@pytest.mark.parametrize(
    "articles",
    [
        [[("Harbor Valley Rail", "ORG")], [("Hill View Radio", "ORG")], [("HVR", "ORG")]],  # two expansions
        [[("Boris Johnson", "PERSON")], [("Mike Johnson", "PERSON")], [("Johnson", "PERSON")]],  # two people
        [
            [("American Airlines", "ORG")],
            [("American Industries", "ORG")],
            [("American", "ORG")],
        ],  # two trades
        [[("House Freedom Caucus", "ORG")], [("House", "ORG")]],  # a first word is another thing
        [[("Thomson Reuters Trust Principles", "ORG")], [("Reuters", "ORG")]],
        [[("Apple Music", "ORG")], [("Apple", "ORG")]],
    ],
)
def test_canonical_batch_does_not_swallow_a_different_thing(articles: list[list[tuple[str, str]]]) -> None:
    keys = [key for own in _batch_keys(articles) for key in own]
    assert len(set(keys)) == len(keys), keys


def test_canonical_known_acronym_is_the_article_s_own_long_name_first() -> None:
    mentions = [_m("Culinary Institute of America", "ORG"), _m("CIA", "ORG")]
    assert [link.entity_key for link in link_mentions(mentions)] == ["ORG:culinary institute of america"] * 2
    assert link_mentions([_m("CIA", "ORG")])[0].entity_key == "ORG:central intelligence agency"


def test_canonical_rekey_marks_the_batch_link_and_regroups_the_article() -> None:
    mentions = [_m("Orla Computer", "ORG"), _m("Orla Computer", "ORG", start=40)]
    resolution = resolve_entities(mentions)
    moved = rekey(mentions, resolution, {"ORG:orla computer": ("ORG:orla", "Orla")})
    assert [(link.entity_key, link.name, link.method) for link in moved.links] == [
        ("ORG:orla", "Orla", LinkMethod.BATCH)
    ] * 2
    assert [(e.entity_key, e.mention_count) for e in moved.entities] == [("ORG:orla", 2)]
    assert rekey(mentions, resolution, {}) is resolution


def test_canonical_legal_form_after_an_ampersand_is_left_out_of_the_key() -> None:
    assert entity_key("Wells Fargo & Co.", "ORG") == entity_key("Wells Fargo", "ORG")
