"""Raw bytes -> text, or the reason they are not text a person wrote.

Tries the encodings news text is found in, strictest first: a byte-order mark, UTF-8, Windows-1252, then
Latin-1 (which decodes any bytes, so it is last). Binary files are recognised before any of that.

Text that decodes cleanly may still hold mojibake: UTF-8 that an earlier tool read as Windows-1252 or Latin-1
and saved again ("â€œ" for "“", "Ã©" for "é"). ftfy repairs that, and only that (no quote uncurling or other
changes to characters the page really has), before the text is normalised to NFC.
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import lru_cache

import ftfy

from flows.core.models import DecodedText
from flows.core.page.caches import BLOCK_CACHE_SIZE

_MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x7fELF", "a program (ELF executable)"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f\v\x1b")
_BINARY_CONTROL_BYTES = bytes(byte for byte in range(0x20) if byte not in _TEXT_CONTROL_BYTES)
SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05
REPAIRED_SUFFIX = "+ftfy"
# Only ftfy's encoding steps; normalisation is ours (NFC, after the repair).
_ENCODING_ONLY = ftfy.TextFixerConfig(normalization=None, explain=False)


def describe_binary(data: bytes) -> str | None:
    """Say what kind of binary file ``data`` is, or None when it looks like text."""
    if _bom_encoding(data) is not None:
        return None
    for magic, kind in _MAGIC_NUMBERS:
        if data.startswith(magic):
            return kind
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    controls = _count_bytes(head, _BINARY_CONTROL_BYTES)
    if head and controls / len(head) > MAX_CONTROL_SHARE:
        return f"binary data ({controls} control bytes in the first {len(head)})"
    return None


def _count_bytes(data: bytes, which: bytes) -> int:
    """How many bytes of ``data`` are among ``which`` (deleting them in C, not testing each byte in Python)."""
    return len(data) - len(data.translate(None, which))


def decode_text(data: bytes) -> DecodedText:
    """Decode bytes with the first encoding that fits, repair mojibake, and normalise to Unicode NFC.

    A repair shows in the result: ``repaired`` is True and ``encoding`` ends in ``+ftfy``.
    """
    text, encoding = _decode(data)
    fixed = repair_mojibake(text)
    repaired = fixed != text
    return DecodedText(
        text=unicodedata.normalize("NFC", fixed),
        encoding=encoding + REPAIRED_SUFFIX if repaired else encoding,
        repaired=repaired,
    )


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as a single-byte encoding ("CafÃ©" -> "Café"), line by line; other text is kept as is.

    Line by line because a page is often pasted together from parts, and mojibake is consistent within a
    part, not across the page (ftfy's own ``fix_text`` works per line for the same reason).
    """
    if text.isascii():  # nothing to repair: the common case, and cheap to rule out
        return text
    # Split on "\n" only: str.splitlines also cuts at U+0085, a byte of mojibake such as "Ã\x85" for "Å".
    return "\n".join(_repair_line(line) if not line.isascii() else line for line in text.split("\n"))


# A site's pages share lines (menus, footers, notices), and ftfy's check of a line is costly; the answer is a pure
# function of the line, so it is kept.
@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _repair_line(line: str) -> str:
    return ftfy.fix_encoding(line, _ENCODING_ONLY)


def _decode(data: bytes) -> tuple[str, str]:
    bom = _bom_encoding(data)
    candidates = (bom,) if bom else ("utf-8", "cp1252", "latin-1")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # Only a file with a byte-order mark but broken content gets here: keep what can be read.
    return data.decode(bom or "utf-8", errors="replace"), f"{bom}+replace"


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None
