"""Specification of decoding: the encodings news text comes in, and binary files told apart from text."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.decode import decode_text, describe_binary

TEXT = "\u201cNa\u00efve caf\u00e9\u201d, said the mayor \u2014 and left."


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
