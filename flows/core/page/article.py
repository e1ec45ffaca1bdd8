"""A raw file's bytes -> an :class:`Article`, or a :class:`Reject` saying why not.

This is the whole per-file decision, pure: size and content checks, decoding (with mojibake repair), parsing
(HTML pages with trafilatura, text with the plain-text parser), language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.core.ids import article_id_for
from flows.core.models import Article, ParsedPage, RawDocument, Reject, RejectReason, SourceFile, Stage
from flows.core.page import language
from flows.core.page.blocks import block_word_count
from flows.core.page.decode import decode_text, describe_binary
from flows.core.page.html import is_html, parse_html
from flows.core.page.parse import parse_page

# Enough text for the language of the whole body, at a fraction of the cost (docs/performance.md).
LANGUAGE_SAMPLE_CHARS = 1500
_NO_PLAIN_TEXT = (
    "no paragraph of running text was found (lines of at least 8 words ending like a sentence); "
    "check that the file is an article page and not a menu, index or error page"
)
_NO_HTML_TEXT = (
    "the file is an HTML page but no article text could be extracted from it (no paragraph of running "
    "text outside menus, footers and comments); check that it is an article page and not a menu, index, "
    "error page or a page that loads its text with JavaScript"
)


def to_article(raw: RawDocument) -> Article | Reject:
    """Turn one raw file into an article, or a reject with a reason a person can act on."""
    parsed = parse_file(raw)
    return parsed if isinstance(parsed, Reject) else with_language(parsed)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A raw file whose page has a body: an article once its body's language is known (:func:`with_language`)."""

    raw: RawDocument
    encoding: str  # the encoding it was decoded with
    page: ParsedPage
    body: str  # the page's body, which a parsed file always has


def parse_file(raw: RawDocument) -> ParsedFile | Reject:
    """The first half of :func:`to_article`: the file checked, decoded and parsed, or a reject."""
    problem = _content_problem(raw)
    if problem is not None:
        return problem
    decoded = decode_text(raw.data)
    if not decoded.text.strip():
        return make_reject(
            raw.source,
            raw.sha256,
            Stage.DECODE,
            RejectReason.NO_TEXT,
            "the file holds only white space; re-export the page's text or remove the file",
        )
    html = is_html(raw.source.path, decoded.text)
    page = parse_html(decoded.text) if html else parse_page(decoded.text)
    if page.body is None:
        return make_reject(
            raw.source,
            raw.sha256,
            Stage.PARSE,
            RejectReason.NO_ARTICLE_TEXT,
            _NO_HTML_TEXT if html else _NO_PLAIN_TEXT,
        )
    return ParsedFile(raw, decoded.encoding, page, page.body)


def with_language(parsed: ParsedFile) -> Article:
    """The second half of :func:`to_article`: the parsed file's article, with its body's language."""
    raw, page = parsed.raw, parsed.page
    return Article(
        article_id=article_id_for(raw.sha256),
        source_path=raw.source.path,
        source_sha256=raw.sha256,
        source_size_bytes=raw.source.size_bytes,
        source_mtime_ns=raw.source.mtime_ns,
        source_encoding=parsed.encoding,
        page=page,
        word_count=sum(map(block_word_count, page.paragraphs)),  # count_words(body), each paragraph's kept
        language=detect_language(parsed.body),
    )


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (offline, py3langid), or None for text with no letters."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if not any(character.isalpha() for character in sample):
        return None
    return language.classify(sample)


def make_reject(
    source: SourceFile,
    sha256: str | None,
    stage: Stage,
    reason: RejectReason,
    detail: str,
    article_id: str | None = None,
) -> Reject:
    """A reject for one raw file."""
    return Reject(
        source_path=source.path,
        source_sha256=sha256,
        source_size_bytes=source.size_bytes,
        source_mtime_ns=source.mtime_ns,
        stage=stage,
        reason=reason,
        detail=detail,
        article_id=article_id,
    )


def reject_too_large(source: SourceFile, max_bytes: int) -> Reject:
    """The reject for a file over the size limit (it is neither read nor hashed)."""
    return make_reject(
        source,
        None,
        Stage.READ,
        RejectReason.TOO_LARGE,
        f"the file is {_megabytes(source.size_bytes)}, over the {_megabytes(max_bytes)} limit for one page; "
        "split it into one file per article, or raise the limit with --max-file-mb",
    )


def reject_duplicate(raw: RawDocument, original_path: str) -> Reject:
    """The reject for a file whose bytes are those of an article already taken from another file."""
    return reject_copy(raw.source, raw.sha256, original_path)


def reject_copy(source: SourceFile, sha256: str, original_path: str) -> Reject:
    """The reject for a file (read with this SHA-256) whose bytes are those of another file's article."""
    return make_reject(
        source,
        sha256,
        Stage.READ,
        RejectReason.DUPLICATE_CONTENT,
        f"same bytes as {original_path!r}, already ingested as article {article_id_for(sha256)}; "
        "nothing to do unless the copy is not meant to be there",
        article_id=article_id_for(sha256),
    )


def reject_unreadable(source: SourceFile, error: OSError) -> Reject:
    """The reject for a file the operating system would not let us read."""
    return make_reject(
        source,
        None,
        Stage.READ,
        RejectReason.UNREADABLE,
        f"the file could not be read ({error.strerror or error}); "
        "check its permissions and that it still exists",
    )


MAX_ERROR_CHARS = 2000  # a processing error's message is kept whole up to this length


def reject_processing_error(
    source: SourceFile, sha256: str | None, stage: Stage, error: BaseException, article_id: str | None = None
) -> Reject:
    """The reject for a file newsmill failed on (an exception while extracting, tagging or analysing it).

    The run goes on with the other files; the detail holds the whole message, on one line.
    """
    message = " ".join(f"{type(error).__name__}: {error}".split())
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 3] + "..."
    return make_reject(
        source,
        sha256,
        stage,
        RejectReason.PROCESSING_ERROR,
        f"newsmill failed on this file at the {stage.value} stage ({message}); "
        "please report this with the file; it is tried again when newsmill's version changes",
        article_id=article_id,
    )


def _content_problem(raw: RawDocument) -> Reject | None:
    if not raw.data:
        return make_reject(
            raw.source,
            raw.sha256,
            Stage.READ,
            RejectReason.EMPTY_FILE,
            "the file is empty (0 bytes); the scrape probably failed: "
            "fetch the page again or remove the file",
        )
    kind = describe_binary(raw.data)
    if kind is not None:
        return make_reject(
            raw.source,
            raw.sha256,
            Stage.DECODE,
            RejectReason.BINARY_CONTENT,
            f"the file is not text: it looks like {kind}; newsmill reads a page's text, so save the page as "
            "text (or remove the file)",
        )
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MiB"
