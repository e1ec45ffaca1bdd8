"""Specification of decoding: the encodings news text comes in, and binary files told apart from text."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core.page.decode import decode_text, describe_binary, repair_mojibake

TEXT = "\u201cNa\u00efve caf\u00e9\u201d, said the mayor \u2014 and left."


def mojibake(text: str, codec: str = "latin-1") -> str:
    """What a tool that read UTF-8 bytes as ``codec`` (Windows-1252 or Latin-1) made of ``text``."""
    return text.encode("utf-8").decode(codec)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_decode_finds_the_encoding(data: bytes, encoding: str) -> None:
    decoded = decode_text(data)
    assert decoded.encoding == encoding
    assert decoded.text == TEXT


def test_decode_latin1_bytes_outside_cp1252_fall_back_to_latin1() -> None:
    data = "S\u00e3o Paulo".encode("latin-1") + b"\x81\x8d"  # 0x81 and 0x8D are undefined in cp1252
    decoded = decode_text(data)
    assert decoded.encoding == "latin-1"
    assert decoded.text.startswith("S\u00e3o Paulo")


@pytest.mark.parametrize(
    ("garbled", "expected"),
    [
        ("Caf\u00c3\u00a9 owners in the old town", "Caf\u00e9 owners in the old town"),  # CafÃ©
        ("The mayor\u00e2\u20ac\u2122s office said no.", "The mayor\u2019s office said no."),  # â€™
        (
            "\u00e2\u20ac\u0153We will rebuild,\u00e2\u20ac\u009d she said.",  # â€œ ... â€\x9d
            "\u201cWe will rebuild,\u201d she said.",
        ),
        ("A room costs \u00c2\u00a340 a night.", "A room costs \u00a340 a night."),  # Â£
        ("She waited \u00e2\u20ac\u201d and then left.", "She waited \u2014 and then left."),  # â€”
        ("Caf\u00c3\u0192\u00c2\u00a9 read wrongly twice", "Caf\u00e9 read wrongly twice"),  # CafÃƒÂ©
        (mojibake("S\u00e3o Paulo and M\u00fcnchen", "cp1252"), "S\u00e3o Paulo and M\u00fcnchen"),
        (
            mojibake("The envoy flew to \u041c\u043e\u0441\u043a\u0432\u0430."),
            "The envoy flew to \u041c\u043e\u0441\u043a\u0432\u0430.",
        ),
        (
            mojibake("Ask \u00c5sa \u00d8rsted, \u00bfqu\u00e9 pasa?"),
            "Ask \u00c5sa \u00d8rsted, \u00bfqu\u00e9 pasa?",
        ),
        (  # a page pasted together: a clean line and a garbled one
            "\u201cWelcome,\u201d said Zo\u00eb.\nThe caf\u00c3\u00a9 opened at nine.",
            "\u201cWelcome,\u201d said Zo\u00eb.\nThe caf\u00e9 opened at nine.",
        ),
    ],
)
def test_decode_repairs_mojibake(garbled: str, expected: str) -> None:
    assert repair_mojibake(garbled) == expected
    decoded = decode_text(garbled.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.repaired) == (expected, "utf-8+ftfy", True)


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "\u2018Single\u2019 and \u201cdouble\u201d quotes \u2014 a dash\u2026 and an ellipsis",
        "Zo\u00eb \u00c5ngstr\u00f6m met Anton\u00edn Dvo\u0159\u00e1k in \u0141\u00f3d\u017a",
        "S\u00c3O PAULO, Brazil \u2014 Se\u00f1or \u00d1\u00fa\u00f1ez, M\u00f6tley Cr\u00fce",
        "Tickets from \u20ac20, \u00bd price, a 1\u20130 win, \u00a9 2024",
        "\u0397 \u0391\u03b8\u03ae\u03bd\u03b1, \u041c\u043e\u0441\u043a\u0432\u0430, \u0627\u0644\u0642\u0627\u0647\u0631\u0629",
        "\u5317\u4eac\u5e02\u3068\u6771\u4eac\u90fd \U0001f389",
        'Plain ASCII with "straight" quotes and a -- dash.',
    ],
)
def test_decode_leaves_text_without_mojibake_unchanged(text: str) -> None:
    assert repair_mojibake(text) == text
    decoded = decode_text(text.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.repaired) == (text, "utf-8", False)


def test_decode_repair_is_recorded_with_the_encoding_that_worked() -> None:
    # Mojibake saved again as Windows-1252, with a real dash that UTF-8 cannot decode.
    decoded = decode_text("Caf\u00c3\u00a9 owners \u2014 all of them".encode("cp1252"))
    assert decoded.text == "Caf\u00e9 owners \u2014 all of them"
    assert (decoded.encoding, decoded.repaired) == ("cp1252+ftfy", True)


def test_decode_repaired_text_is_nfc() -> None:
    decoded = decode_text(mojibake("Cafe\u0301 au lait").encode("utf-8"))
    assert decoded.repaired
    assert decoded.text == "Caf\u00e9 au lait"


@settings(deadline=None)  # no timed assertions: on a loaded machine one example can take longer
@given(st.text(max_size=500))
def test_decode_repair_never_raises_on_any_text(text: str) -> None:
    assert isinstance(repair_mojibake(text), str)
    assert isinstance(repair_mojibake(mojibake(text)), str)


def test_decode_normalises_to_nfc() -> None:
    decomposed = "Cafe\u0301".encode()
    assert decode_text(decomposed).text == "Caf\u00e9"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive (or a Word/Excel file)"),
        (b"some text\x00with a NUL", "binary data (it contains NUL bytes)"),
        (bytes(range(1, 31)) * 10, "binary data (240 control bytes in the first 300)"),
    ],
)
def test_decode_describes_binary_files(data: bytes, kind: str) -> None:
    assert describe_binary(data) == kind


@pytest.mark.parametrize("data", [TEXT.encode("utf-8"), TEXT.encode("utf-16"), b"line one\r\n\tline two\x0c"])
def test_decode_text_is_not_binary(data: bytes) -> None:
    assert describe_binary(data) is None


@given(st.binary(max_size=2000))
def test_decode_never_raises_on_any_bytes(data: bytes) -> None:
    describe_binary(data)
    assert isinstance(decode_text(data).text, str)
