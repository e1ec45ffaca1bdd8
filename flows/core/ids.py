"""Deterministic ids from content: the same input always gives the same id."""

from __future__ import annotations

import hashlib

ID_HEX_DIGITS = 32


def sha256_hex(data: bytes) -> str:
    """SHA-256 of bytes, as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def article_id_for(sha256: str) -> str:
    """The article id: the first 32 hex digits of the raw bytes' SHA-256 (stable, from content)."""
    return sha256[:ID_HEX_DIGITS]


def short_hash(*parts: object) -> str:
    """A 32-hex-digit id made from the given parts, for rows keyed by more than one value."""
    joined = "\x1f".join(map(str, parts))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]


def joined_hash(joined: str) -> str:
    """The id :func:`short_hash` gives parts whose ``str()`` joined by ``\\x1f`` is ``joined``."""
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]
