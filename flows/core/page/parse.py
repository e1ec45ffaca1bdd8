"""Raw page text -> :class:`~flows.core.models.ParsedPage`.

A page as a scraper copies it is a sequence of blocks (one per line, blank lines between). The parser
classifies blocks by their shape, not by site: the body is the densest run of text-like blocks
(:mod:`flows.core.page.blocks`), the headline is the title-shaped block that leads into it (nearest to the byline
and date line), the date line is the date block nearest that header (:mod:`flows.core.page.datelines`), bylines give
people and agencies (:mod:`flows.core.page.byline`), captions carry a photo credit, and related-link lines
("READ: ...") are recorded, not kept in the body. Inside the body, subheadings and list items between
paragraphs are kept, lists of links under a "Related" label are not, and the article goes on past such a
list when enough text follows. A field not found is None, never invented.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from flows.core.lexicon import alternation, month_prefixes
from flows.core.models import ParsedPage, PublishedDate
from flows.core.page.authormodel import (
    AuthorModel,
    Candidate,
    byline_candidates,
    candidate_features,
    choose_byline,
)
from flows.core.page.authormodel import shipped_model as shipped_author_model
from flows.core.page.blockmodel import RULE_FEATURES, BlockModel, choose_blocks
from flows.core.page.blocks import (
    BREAK_COST,
    STOP_WORDS,
    BlockClass,
    block_word_count,
    classify_blocks,
    densest_span,
    is_comment_mark,
    table_cells,
    text_length,
    words_of,
)
from flows.core.page.byline import (
    AGENCIES,
    byline_after_date,
    credited_authors,
    is_byline,
    is_credit_line,
    is_credited_name_line,
    is_name_line,
    is_role_line,
    join_split_byline,
    name_before_role,
    name_then_date,
    name_with_handle,
    parse_byline,
)
from flows.core.page.caches import BLOCK_CACHE_SIZE
from flows.core.page.datelines import (
    DateCandidate,
    DateKind,
    find_date_candidates,
    infer_day_first,
    is_date_line,
)
from flows.core.page.headmodel import CandidateFacts, HeadlineModel, candidate_row, feature_matrix
from flows.core.page.headmodel import shipped_model as shipped_headline_model
from flows.core.page.publisher import find_publisher
from flows.core.page.wire import article_kind, parse_undated_wire, parse_wire

_RELATED = re.compile(
    r"^\s*(?:READ|READ MORE|Read more|Read More|ALSO READ|Also read|Also Read|RELATED|Related|"
    r"SEE ALSO|See also|SEE MORE|See more|MORE|WATCH|Watch|LISTEN|Listen|DON'T MISS)\s*[:：|–—-]\s*"
    r"(?P<headline>\S.*?)\s*$"
)
_BRACKET_CREDIT = re.compile(r"^(?P<caption>.*?\S)\s*\[(?P<credit>[^\[\]]{2,100})\]\s*$")
_PAREN_CREDIT = re.compile(
    r"^(?P<caption>.*?\S)\s*\((?P<credit>(?:(?:photo|image|picture|credit|pictured)s?\b[^()]{0,90})"
    r"|[^()]{0,60}(?:/|\b)(?:getty|reuters|ap|afp|epa|pa|shutterstock|alamy|images?|photos?)\b[^()]{0,40})\)\s*$",
    re.IGNORECASE,
)
_LABELLED_CREDIT = re.compile(
    r"^(?P<caption>.*?\S)\s+(?:photo(?:graph)?|image|picture|credit)s?\s*(?:by\b|:|\.\.\.|…)\s*"
    r"(?P<credit>[^.]{2,80}?)\.?\s*$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+){0,2})?)"
    r"\s*(?:\([^)]{1,40}\))?\s*(?:--|—|–|-|:)\s+\S"
)
_LIST_ITEM = re.compile(
    r"^(?:[•·▪*‣◦-]\s|\d{1,4}[.)]?\s|(?:" + alternation(month_prefixes()) + r")[a-z]*\.?\s+\d)", re.I
)
_CAPS_CREDIT = re.compile(
    r"^(?P<caption>.*?[.!?])\s+(?:(?:photo|image)s?\s+)?by\s+(?P<credit>[A-Z][A-Z0-9.&'’ -]{2,60}[A-Z.])$",
    re.IGNORECASE,
)
# A sentence that talks to the reader about the site itself (newsletters, apps, letters, subscriptions):
# calls to action around an article, not its text.
_SECOND_PERSON = re.compile(r"\b(?=y)(?:you|your)\b", re.IGNORECASE)
_SITE_FUNCTION = re.compile(
    r"\b(?=[aceilnprstuy])(?:newsletters?|inbox|unsubscribe|promotional|sign(?:ing)? up|subscri(?:be|bing|ption)|"
    r"apps?|letters? to the editor|this (?:article|story|service|site|website)|"
    r"email address|roundup email|your email|click here)\b",
    re.IGNORECASE,
)
# Credits wire stories close with ("Additional reporting by A; Editing by B", "C contributed to this report").
_CLOSING_CREDIT = re.compile(
    r"^(?:\(?(?:additional )?(?:reporting|writing|editing|compiled) by\b.{2,200}|"
    r".{2,120}\bcontributed (?:reporting )?to this (?:report|story|article)\.?\)?)$",
    re.IGNORECASE,
)
# Labels that head a list of links to other stories, in the languages news pages are most often in.
_RELATED_LABEL = re.compile(
    r"^(?:related|more|also|see also|read more|read also|recommended|we recommend|trending|popular|most read|"
    r"(?:related|more|recommended|popular|top|latest|trending) (?:links|coverage|news|stories|articles|content|"
    r"posts|videos|reading)|you (?:may|might) also like|don'?t miss|"
    r"(?:more|most read|most popular|most viewed|latest|top stories) (?:from|in|on|about) \S.{0,40}|"
    r"(?:artigos|notícias|matérias|posts) relacionad[oa]s|leia (?:também|mais)|veja (?:também|mais)|"
    r"(?:artículos|noticias|notas) relacionad[oa]s|lea también|te puede interesar|"
    r"(?:à )?lire aussi|sur le même sujet|articles? (?:liés|similaires)|"
    r"weitere artikel|mehr zum thema|auch interessant|das könnte sie (?:auch )?interessieren|"
    r"artikel terkait|berita terkait|baca juga|terkait|leggi anche|articoli correlati|"
    r"читайте также|похожие статьи|по теме|関連記事|関連する記事|おすすめ記事|相关文章|相关阅读|관련 ?기사)"
    r"\s*(?:[:：]|\s[—–|-]\s.{1,20})?$",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"^(?:photo(?:graph)?s?|image|picture|credit|courtesy|source|video)(?:\s+credits?)?\b\s*(?:by\b|:|of\b)|"
    r"(?:submitted|file|staff|handout|contributed) (?:photo|image)$|\bgetty images$|^\d+ of \d+$",
    re.IGNORECASE,
)
_ASIDE = re.compile(
    r"^(?:share (?:on|via|to|this)\b.*|facebook|twitter|linkedin|whatsapp|pinterest|reddit|telegram|messenger|"
    r"instagram|youtube|e-?mail|print|comments?|learn more|sign me up|view all.*|show all.*|story saved|close)$|"
    r"\bclick(?:ing)? here\b|\(\d{1,2}:\d{2}\)$",
    re.IGNORECASE,
)
MAX_CALL_CHARS = 160
SANDWICH_CHARS = 40
SANDWICH_REACH = 4
MAX_BOX_CALL_CHARS = 250  # a sign-up box says its piece in a sentence or two
_GLUED = re.compile(r"[a-z][.?!…][\"'”’»)]?(?=[A-Z0-9])")
MAX_GLUED_DATE_CHARS = 60
_TITLE_SITE = re.compile(r"^(?P<title>.{15,}?)\s+(?:\||-|–|—|::|•)\s+(?P<site>[^|–—•]{2,40})$")
# "(?=[...])": the alternatives' first letters, so words that cannot start one are passed over (same matches).
_BOILERPLATE_TITLE = re.compile(
    r"\b(?=[aceflmnprst])(?:cookies?|subscri(?:be|bed|bing|ption)|newsletters?|sign(?:ed)? (?:in|up|out)|log(?:ged)? ?(?:in|out)|"
    r"advertisement|rights reserved|copyright|public profile|my account|privacy|terms of|share|follow us|click|min read|"
    r"author|rss|feed|menu|skip to|email)\b",
    re.IGNORECASE,
)

MAX_HEADLINE_WORDS = 30
MAX_TWO_SENTENCE_TITLE_WORDS = 16
MAX_TAGLINE_WORDS = 12
HEADER_WINDOW = 45
DATE_REACH = 12
MAX_LIST_ITEMS = 80
MAX_LIST_HEADING_WORDS = 8
MAX_LINKS = 8
MAX_RUN_HEADLINES = 2
MAX_LABEL_CHARS = 40
SOFT_BREAK_COST = 150


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the article's parts sit in the block list."""

    body: tuple[int, int]
    headline: int | None
    byline: tuple[int, int] | None
    list_items: frozenset[int] = frozenset()  # a list the body introduces ("Tour dates:"), kept whole
    cells: frozenset[int] = frozenset()  # cells of a table the body introduces, kept whole, repeats too


class Shipped(Enum):
    """The learned part committed beside the parser (``models/*.json``): ``parse_page``'s default."""

    MODEL = "shipped"


SHIPPED = Shipped.MODEL


def parse_page(
    text: str,
    *,
    block_model: BlockModel | None = None,
    headline_model: HeadlineModel | Shipped | None = SHIPPED,
    author_model: AuthorModel | Shipped | None = SHIPPED,
) -> ParsedPage:
    """Find the article's fields in a page's plain text (plain wire copy is read by its own shape).

    ``block_model`` (:mod:`flows.core.page.blockmodel`) chooses the body's blocks with the rules' decisions as
    features, for evaluation: the parser ships without one (it ties the rules under cross-validation, see
    ``docs/extraction-quality.md``).
    ``headline_model`` (:mod:`flows.core.page.headmodel`) ranks the headline candidates, the rules' choice among
    its features: by default the committed ranker, None for the rules' weights alone.
    ``author_model`` (:mod:`flows.core.page.authormodel`) chooses the byline among the header's name lines: by
    default the committed one, None for the layout rules alone.
    """
    if headline_model is SHIPPED:
        headline_model = shipped_headline_model()
    if author_model is SHIPPED:
        author_model = shipped_author_model()
    lines = split_blocks(text)
    unbroken = not has_blank_line(
        text
    )  # wire and feed exports; a page copied from a browser sets blocks apart
    wire = parse_wire(lines) if unbroken else None
    if wire is not None:
        return wire
    page = parse_blocks(
        unglue_dates(lines),
        day_first=functools.cache(lambda: infer_day_first(text)),  # read only if a date line is all numbers
        block_model=block_model,
        headline_model=headline_model,
        author_model=author_model,
    )
    if not page.paragraphs:
        return parse_wire(lines) or (parse_undated_wire(lines) if unbroken else None) or page
    return page


def has_blank_line(text: str) -> bool:
    """True when some line of the text is empty or blank (blocks copied from a page are set apart so)."""
    return re.search(r"\n[ \t\r]*\n", text.replace("\r\n", "\n").strip()) is not None


def parse_blocks(
    blocks: list[str],
    *,
    day_first: bool | Callable[[], bool],
    block_model: BlockModel | None = None,
    headline_model: HeadlineModel | None = None,
    author_model: AuthorModel | None = None,
) -> ParsedPage:
    """Find the article's fields in a page's blocks (one per non-empty line); ``day_first`` reads the
    page's all-numeric dates (given as a function, it is asked only when the page has one), ``block_model``
    checks the body's paragraphs, ``headline_model`` ranks the headline candidates, ``author_model`` the byline
    candidates."""
    classes = classify_blocks(blocks)
    candidates = find_date_candidates(blocks, day_first=day_first)
    layout = find_layout(blocks, classes, candidates, headline_model, author_model)
    start, end = layout.body
    header_start = layout.headline if layout.headline is not None else start
    published, updated = choose_dates(candidates, header_start, start, end)
    skip = _header_blocks(layout, candidates)
    byline_text = " ".join(blocks[layout.byline[0] : layout.byline[1]]) if layout.byline else None
    authors, agencies = parse_byline(byline_text) if byline_text else ((), ())
    choice = choose_body(blocks, classes, layout, skip, authors)
    paragraphs = choice.paragraphs
    if block_model is not None and paragraphs:
        learned = choose_blocks(choice.candidates, choice.rules, blocks, choice.headline, block_model)
        paragraphs = learned or paragraphs
    headline = choice.headline
    caption, credit = find_caption(blocks, header_start, end)
    return ParsedPage(
        site_tagline=find_tagline(blocks[: min(5, header_start)]) if layout.headline is not None else None,
        headline=headline,
        published=published,
        image_caption=caption,
        image_credit=credit,
        paragraphs=paragraphs,
        related_headlines=tuple(related_headlines(blocks)),
        subheadline=find_subheadline(blocks, layout, skip),
        byline=byline_text,
        authors=credited_authors(authors, agencies),
        agencies=agencies,
        dateline_place=find_dateline_place(paragraphs[0]) if paragraphs else None,
        updated=updated,
        article_kind=article_kind(paragraphs),
        publisher=find_publisher(blocks),
    )


def _header_blocks(layout: _Layout, dates: Sequence[DateCandidate]) -> set[int]:
    """Indices of the date lines and the byline's blocks: never body text."""
    skip = {c.index for c in dates}
    if layout.byline is not None:
        skip.update(range(*layout.byline))
    return skip


@dataclass(frozen=True, slots=True)
class BodyChoice:
    """The rules' body on one page, and the blocks the learned block model chooses among instead."""

    paragraphs: tuple[str, ...]  # the rules' paragraphs
    headline: str | None
    candidates: tuple[str, ...]
    rules: npt.NDArray[np.float64]  # the rules' decisions about each candidate (blockmodel.RULE_FEATURES)


def choose_body(
    blocks: Sequence[str],
    classes: Sequence[BlockClass],
    layout: _Layout,
    skip: set[int],
    authors: Sequence[str],
) -> BodyChoice:
    """The rules' paragraphs and headline, and the block model's candidates with the rules' decisions."""
    kept = body_indices(blocks, classes, layout, skip)
    paragraphs = drop_closing_notes(tuple(blocks[i] for i in kept), authors)
    headline = clean_headline(blocks[layout.headline], blocks) if layout.headline is not None else None
    indices, rules = block_candidates(blocks, classes, layout, skip, kept[: len(paragraphs)])
    return BodyChoice(paragraphs, headline, tuple(blocks[i] for i in indices), rules)


def page_body_choice(text: str) -> tuple[list[str], BodyChoice] | None:
    """A page's blocks and its :class:`BodyChoice` as :func:`parse_page` sees them with the rules' headline
    (for training the block model); None for text read as plain wire copy."""
    if not has_blank_line(text):
        return None
    blocks = unglue_dates(split_blocks(text))
    classes = classify_blocks(blocks)
    dates = find_date_candidates(blocks, day_first=infer_day_first(text))
    layout = find_layout(blocks, classes, dates)
    skip = _header_blocks(layout, dates)
    byline_text = " ".join(blocks[layout.byline[0] : layout.byline[1]]) if layout.byline else None
    authors = parse_byline(byline_text)[0] if byline_text else ()
    return blocks, choose_body(blocks, classes, layout, skip, authors)


def split_blocks(text: str) -> list[str]:
    """Normalise Unicode and line ends, and cut the text into non-empty blocks, one per line."""
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = (" ".join(line.split()) for line in normalised.split("\n"))
    return [block for block in blocks if block]


def unglue_dates(blocks: Sequence[str]) -> list[str]:
    """Blocks with a date line glued to the end of a sentence ("... its recovery?Monday, 6 January 2020")
    cut off into a block of its own.

    Copying a page drops the line break between a standfirst and the date line under it; no space after the
    full stop is the sign of that, and the tail must be a whole date line, not a date inside a sentence.
    """
    result: list[str] = []
    for block in blocks:
        result += _unglued(block)
    return result


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _unglued(block: str) -> tuple[str, ...]:
    """One block as :func:`unglue_dates` gives it: itself, or the sentence and the date line glued to it."""
    # A glue point is at most three characters long and glue points cannot overlap, so the scan may start
    # where a glue point could still leave a tail short enough (on a long paragraph, its last characters).
    for glue in _GLUED.finditer(block, max(0, len(block) - MAX_GLUED_DATE_CHARS - 3)):
        head, tail = block[: glue.end()], block[glue.end() :]
        if len(tail) <= MAX_GLUED_DATE_CHARS and is_date_line(tail):
            return head, tail
    return (block,)


def count_words(text: str) -> int:
    """Count words as runs of letters and digits (keeping "don't" and "U.S." whole)."""
    return len(words_of(text))


def find_layout(
    blocks: Sequence[str],
    classes: Sequence[BlockClass],
    dates: Sequence[DateCandidate],
    headline_model: HeadlineModel | None = None,
    author_model: AuthorModel | None = None,
) -> _Layout:
    """Locate body, headline and byline: the body first, then the header that leads into it (the headline
    chosen by ``headline_model`` when one is given, else by the rules' weights; the byline chosen by
    ``author_model`` among the header's name lines when one is given, else by the rules)."""
    start, end, cells, date_indices = body_span(blocks, classes, dates)
    if headline_model is None:
        headline = find_headline(blocks, start, date_indices)
        if headline is not None and headline + 1 >= end:  # a title after the whole body heads something else
            headline = find_headline(blocks, start, date_indices, before=start)
    else:
        headline = rank_headline(headline_model, blocks, start, date_indices)
        if headline is not None and headline + 1 >= end:
            headline = rank_headline(headline_model, blocks, start, date_indices, before=start)
    if headline is not None and headline >= start:
        start = headline + 1
    byline = find_byline(blocks, headline if headline is not None else max(0, start - 8), start, date_indices)
    if byline is None and headline is not None:
        byline = byline_above(blocks, headline, date_indices)
    if byline is None:
        header = distant_header(blocks, start, date_indices)
        if header is not None:
            headline, byline = header
    if author_model is not None:
        byline = choose_byline(author_model, blocks, headline, start, date_indices, byline)
    items = trailing_list(blocks, end)
    end = max(end, max(items, default=end - 1) + 1)
    if end < len(blocks) and _CLOSING_CREDIT.match(blocks[end]):
        items, end = [*items, end], end + 1  # the article's own closing credit, however name-heavy
    return _Layout(
        body=(start, end),
        headline=headline,
        byline=byline,
        list_items=frozenset(items),
        cells=frozenset(cells),
    )


def body_span(
    blocks: Sequence[str], classes: Sequence[BlockClass], dates: Sequence[DateCandidate]
) -> tuple[int, int, set[int], set[int]]:
    """The body's densest span ``(start, end)``, the indices of table cells and their intro lines (kept
    whole), and the indices of the date lines."""
    cells = table_cells(blocks, classes)
    marked = [_span_class(blocks, classes, index, cells) for index in range(len(blocks))]
    date_indices = {c.index for c in dates}
    breaks = {i for i in date_indices if "@" not in blocks[i]}
    breaks.update(i for i, block in enumerate(blocks) if is_comment_mark(block))
    scores = link_list_scores(blocks, marked)
    intros = {index - 1 for index in cells if index - 1 not in cells}  # "Final standings:" or a paragraph
    scores.update((index, text_length(blocks[index])) for index in cells)  # a table's text counts in full
    scores.update((index, 0) for index in intros if marked[index] is not BlockClass.GOOD)
    scores.update((index, -BREAK_COST) for index in breaks)
    start, end = densest_span(blocks, marked, scores)
    return start, end, cells | intros, date_indices


def _span_class(
    blocks: Sequence[str], classes: Sequence[BlockClass], index: int, cells: set[int]
) -> BlockClass:
    """A block's class for finding the span: table cells count as text, related-link lines and sign-up box
    text as boilerplate, and a short bad block set between paragraphs as short."""
    if index in cells:
        return BlockClass.GOOD
    if _RELATED.match(blocks[index]) or _in_signup_box(blocks, classes, index):
        return BlockClass.BAD
    if (
        classes[index] is BlockClass.BAD
        and len(blocks[index]) < SANDWICH_CHARS
        and _between_text(classes, index)
    ):
        return BlockClass.SHORT
    return classes[index]


def link_list_scores(blocks: Sequence[str], classes: Sequence[BlockClass]) -> dict[int, int]:
    """Span scores for lists of links headed by a "Related" label: the label costs like a soft break, the
    headlines under it nothing, so an article goes on past a list set inside it when enough text follows."""
    scores: dict[int, int] = {}
    for label, block in enumerate(blocks):
        if len(block) > MAX_LABEL_CHARS or not _RELATED_LABEL.match(block):
            continue
        scores[label] = 0 if label - 1 in scores else -SOFT_BREAK_COST  # one list, however many labels
        index = label + 1
        while index < min(len(blocks), label + 1 + MAX_LINKS) and classes[index] is not BlockClass.GOOD:
            if not is_title(blocks[index]) or _RELATED_LABEL.match(blocks[index]):
                break
            scores[index] = 0
            index += 1
    return scores


def trailing_list(blocks: Sequence[str], end: int) -> list[int]:
    """Indices of a list the article introduces right after its last paragraph, with its intro line.

    The intro ends with a colon ("The tour dates:") and three or more items follow, each short and opening
    the same way (a number, a month or a bullet); related-link lists do not open like that, so they stay out.
    A heading without the colon ("Tour Dates") introduces a list too when five or more such items follow.
    """
    if end >= len(blocks) or count_words(blocks[end]) > 25:
        return []
    colon = blocks[end].rstrip().endswith(":")
    if not colon and not _is_list_heading(blocks[end]):
        return []
    items = []
    for index in range(end + 1, min(len(blocks), end + 1 + MAX_LIST_ITEMS)):
        if len(blocks[index]) > 160 or _LIST_ITEM.match(blocks[index]) is None:
            break
        items.append(index)
    return [end, *items] if len(items) >= (3 if colon else 5) else []


def _is_list_heading(block: str) -> bool:
    """A heading over a list ("Tour Dates"): a few words, no sentence end, no site-function words."""
    return (
        1 <= count_words(block) <= MAX_LIST_HEADING_WORDS
        and not block.rstrip().endswith((".", "!", "?", ","))
        and _BOILERPLATE_TITLE.search(block) is None
        and _RELATED_LABEL.match(block) is None
    )


def find_headline(
    blocks: Sequence[str], body_start: int, date_indices: set[int], before: int | None = None
) -> int | None:
    """Index of the headline: the best-scoring title-shaped block in the header before the body.

    Closeness to the body, a byline or date line just below, and the title repeated elsewhere on the page
    count for a block; belonging to a list of similar short blocks (a menu, related links) counts against it.
    """
    header = _Header(blocks, body_start, date_indices)
    best: tuple[float, int] | None = None
    stop = min(len(blocks), body_start + 3) if before is None else before
    for index in range(max(0, body_start - HEADER_WINDOW), stop):
        block = blocks[index]
        if index in date_indices or not is_title(block) or _is_credit_line(block):
            continue
        score = header.weight(index)
        if index >= body_start and not header.header_below(index):
            continue
        if header.passed_over(index):
            continue  # a sentence-like title counts only where a date line or byline marks the header
        if best is None or score > best[0]:
            best = (score, index)
    return _rules_pick(blocks, best, date_indices)


def _rules_pick(blocks: Sequence[str], best: tuple[float, int] | None, date_indices: set[int]) -> int | None:
    """:func:`find_headline`'s answer from its best-scoring candidate (score, index)."""
    if best is None or best[0] <= -3:
        return None
    return _above_standfirst(blocks, best[1], date_indices)


class _Header:
    """What :func:`find_headline` and :func:`headline_features` ask about the blocks around one body start,
    each answer worked out once (both score the same candidates)."""

    __slots__ = (
        "_below",
        "_listed",
        "_near",
        "_ordered",
        "blocks",
        "body_start",
        "counts",
        "date_indices",
        "lead",
    )

    def __init__(self, blocks: Sequence[str], body_start: int, date_indices: set[int]) -> None:
        self.blocks = blocks
        self.body_start = body_start
        self.date_indices = date_indices
        self.counts = Counter(blocks)
        # The content words of the body's first blocks joined by spaces: no word runs over a space.
        self.lead = frozenset[str]().union(*map(_block_content_words, blocks[body_start : body_start + 4]))
        self._ordered: list[str] | None = None
        self._below: dict[int, bool] = {}
        self._near: dict[int, bool] = {}
        self._listed: dict[int, bool] = {}

    def header_below(self, index: int) -> bool:
        """:func:`_header_below`, memoised."""
        found = self._below.get(index)
        if found is None:
            found = self._below[index] = _header_below(self.blocks, index, self.date_indices)
        return found

    def next_to_header(self, index: int) -> bool:
        """:func:`_next_to_header`, memoised."""
        found = self._near.get(index)
        if found is None:
            found = self._near[index] = _next_to_header(self.blocks, index, self.date_indices)
        return found

    def in_title_list(self, index: int) -> bool:
        """:func:`_in_title_list`, memoised."""
        found = self._listed.get(index)
        if found is None:
            found = self._listed[index] = _in_title_list(self.blocks, index)
        return found

    def repeated(self, index: int) -> bool:
        """The block occurs again on the page, or another block opens with it."""
        block = self.blocks[index]
        if self.counts[block] > 1:
            return True
        if self._ordered is None:
            self._ordered = sorted(self.counts)
        return _starts_another(block, self._ordered)

    def overlap(self, index: int) -> float:
        """:func:`_overlap` of the block with the body's first paragraphs."""
        return _overlap(self.blocks[index], self.lead)

    def passed_over(self, index: int) -> bool:
        """A sentence-like title away from the header: the rules never take it."""
        return _ends_with_stop(self.blocks[index]) and (
            index >= self.body_start or not self.next_to_header(index)
        )

    def weight(self, index: int) -> float:
        """The rules' hand-set weight of a candidate, its overlap with the lead included."""
        block = self.blocks[index]
        words = block_word_count(block)
        score = -0.15 * abs(self.body_start - index)
        if self.header_below(index):
            score += 8
        elif self.next_to_header(index):
            score += 5  # some sites print the date line above the headline
        if _ends_with_stop(block):
            score -= 2
        if 5 <= words <= 22:
            score += 2
        elif words < 4:
            score -= 3
        else:
            score -= 2  # longer than headlines run: a standfirst or a lead sentence
        if self.repeated(index):
            score += 2
        if self.in_title_list(index):
            score -= 4
        return score + 8 * self.overlap(index)


def headline_candidates(
    blocks: Sequence[str], body_start: int, date_indices: set[int], before: int | None = None
) -> list[int]:
    """Indices of the blocks that may be the headline: title-shaped blocks of the header before the body (or
    among its first blocks, with a date line or byline below), not date lines or credit lines."""
    stop = min(len(blocks), body_start + 3) if before is None else before
    return [
        index
        for index in range(max(0, body_start - HEADER_WINDOW), stop)
        if index not in date_indices
        and is_title(blocks[index])
        and not _is_credit_line(blocks[index])
        and (index < body_start or _header_below(blocks, index, date_indices))
    ]


def headline_features(
    blocks: Sequence[str],
    indices: Sequence[int],
    body_start: int,
    date_indices: set[int],
    before: int | None = None,
) -> npt.NDArray[np.float64]:
    """The feature matrix of the headline candidates at ``indices`` (:data:`flows.core.page.headmodel.FEATURES`),
    the rules' own choice and weights among them included (stacked: the ranker learns when to override them)."""
    return _headline_features(blocks, indices, body_start, date_indices, before, every_candidate=False)


def _headline_features(
    blocks: Sequence[str],
    indices: Sequence[int],
    body_start: int,
    date_indices: set[int],
    before: int | None,
    *,
    every_candidate: bool,
) -> npt.NDArray[np.float64]:
    """:func:`headline_features`; with ``every_candidate`` (``indices`` are all of :func:`headline_candidates`
    with this ``before``) the rules' choice is read from the candidates' weights, as :func:`find_headline` finds
    it, instead of running it again."""
    header = _Header(blocks, body_start, date_indices)

    def header_line(i: int) -> bool:
        return 0 <= i < len(blocks) and (is_byline(blocks[i]) or is_name_line(blocks[i]))

    rows = []
    for index in indices:
        block = blocks[index]
        facts = CandidateFacts(
            header_below=header.header_below(index),
            next_to_header=header.next_to_header(index),
            date_adjacent=index - 1 in date_indices or index + 1 in date_indices,
            byline_adjacent=header_line(index - 1) or header_line(index + 1),
            repeated=header.repeated(index),
            lead_overlap=header.overlap(index),
            in_title_list=header.in_title_list(index),
            title_above=index > 0 and is_title(blocks[index - 1]),
        )
        below = blocks[index + 1] if index + 1 < len(blocks) else None
        rows.append(candidate_row(block, index, body_start, facts, below))
    weights = [header.weight(index) for index in indices]
    passed_over = [header.passed_over(index) for index in indices]
    if not indices:
        pick = None
    elif every_candidate:
        best: tuple[float, int] | None = None
        for index, weight, passed in zip(indices, weights, passed_over, strict=True):
            if not passed and (best is None or weight > best[0]):
                best = (weight, index)
        pick = _rules_pick(blocks, best, date_indices)
    else:
        pick = find_headline(blocks, body_start, date_indices, before)
    return feature_matrix(rows, indices, body_start, pick, weights, passed_over)


def rank_headline(
    model: HeadlineModel,
    blocks: Sequence[str],
    body_start: int,
    date_indices: set[int],
    before: int | None = None,
) -> int | None:
    """Index of the headline the model ranks first among :func:`headline_candidates`; None without any."""
    indices = headline_candidates(blocks, body_start, date_indices, before)
    matrix = _headline_features(blocks, indices, body_start, date_indices, before, every_candidate=True)
    best = model.best(matrix)
    return None if best is None else indices[best]


def page_headline_candidates(text: str) -> tuple[list[str], list[int], npt.NDArray[np.float64]] | None:
    """A page's blocks, its headline candidates and their features, as :func:`parse_page` sees them (for
    training the ranker); None for text read as plain wire copy."""
    lines = split_blocks(text)
    if not has_blank_line(text):
        return None
    blocks = unglue_dates(lines)
    dates = find_date_candidates(blocks, day_first=infer_day_first(text))
    start, _, _, date_indices = body_span(blocks, classify_blocks(blocks), dates)
    indices = headline_candidates(blocks, start, date_indices)
    return (
        blocks,
        indices,
        _headline_features(blocks, indices, start, date_indices, None, every_candidate=True),
    )


def page_byline_candidates(
    text: str, headline_model: HeadlineModel | None
) -> tuple[list[str], list[Candidate], npt.NDArray[np.float64]] | None:
    """A page's blocks, its byline candidates and their features, as :func:`parse_page` sees them with this
    headline ranker and the rules' byline (for training the byline ranker); None for text read as plain wire
    copy."""
    lines = split_blocks(text)
    if not has_blank_line(text):
        return None
    blocks = unglue_dates(lines)
    classes = classify_blocks(blocks)
    dates = find_date_candidates(blocks, day_first=infer_day_first(text))
    date_indices = body_span(blocks, classes, dates)[3]
    layout = find_layout(blocks, classes, dates, headline_model)
    start = layout.body[0]
    candidates = byline_candidates(blocks, layout.headline, start, layout.byline)
    matrix = candidate_features(blocks, candidates, layout.headline, start, date_indices, layout.byline)
    return blocks, candidates, matrix


def _above_standfirst(blocks: Sequence[str], index: int, date_indices: set[int]) -> int:
    """The headline when the chosen block is the standfirst under it: a sentence-like block ending in a full
    stop right below a title-shaped block without one."""
    above = index - 1
    if (
        above >= 0
        and _ends_with_stop(blocks[index])
        and above not in date_indices
        and is_title(blocks[above])
        and not _ends_with_stop(blocks[above])
        and not _is_credit_line(blocks[above])
        and not _in_title_list(blocks, above)
    ):
        return above
    return index


def _starts_another(block: str, ordered: Sequence[str]) -> bool:
    """True when another block of the page (``ordered``: the distinct blocks, sorted) opens with this one."""
    prefix = block + " "
    position = bisect.bisect_left(ordered, prefix)
    return position < len(ordered) and ordered[position].startswith(prefix)


def _header_below(blocks: Sequence[str], index: int, date_indices: set[int]) -> bool:
    """True when a date line or byline follows within a few blocks, as it follows a headline."""
    below = range(index + 1, min(len(blocks), index + 5))
    return any(i in date_indices or is_byline(blocks[i]) or is_name_line(blocks[i]) for i in below)


def _next_to_header(blocks: Sequence[str], index: int, date_indices: set[int]) -> bool:
    """True when a date line or byline sits within two blocks above or four below."""
    near = range(max(0, index - 2), min(len(blocks), index + 5))
    return any(i != index and (i in date_indices or is_byline(blocks[i])) for i in near)


def _ends_with_stop(block: str) -> bool:
    return block.rstrip("\"'”’» ").endswith(".")


def _content_words(text: str) -> frozenset[str]:
    return frozenset({word.casefold() for word in words_of(text) if len(word) > 2} - STOP_WORDS)


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _block_content_words(block: str) -> frozenset[str]:
    """:func:`_content_words` of one block (asked about each headline candidate several times); the words
    interned, so the cache holds each distinct word once (as :func:`~flows.core.page.blocks._block_words`)."""
    return frozenset(map(sys.intern, _content_words(block)))


def _overlap(block: str, lead: frozenset[str]) -> float:
    """Share of a candidate's content words that the article's first paragraphs use too."""
    words = _block_content_words(block)
    return len(words & lead) / len(words) if words else 0.0


def _in_title_list(blocks: Sequence[str], index: int) -> bool:
    """True when the block sits in a run of three or more title-shaped blocks (a menu or related links)."""
    run = 1
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(blocks) and is_title(blocks[other]) and not is_byline(blocks[other]):
            run += 1
            other += step
    return run >= 3


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def is_title(block: str) -> bool:
    """True for a block shaped like a headline: a handful of words, not a full stop, not boilerplate."""
    words = count_words(block)
    return (
        3 <= words <= MAX_HEADLINE_WORDS
        and (not block.rstrip("\"'”’» ").endswith((".", ":", ",", ";")) or _is_title_with_stop(block))
        and _RELATED.match(block) is None
        and _BOILERPLATE_TITLE.search(block) is None
        and any(character.islower() for character in block)
        and not is_byline(block)
        and not _is_caption(block)
        and name_before_role(block) is None
    )


def _is_title_with_stop(block: str) -> bool:
    """A headline that ends in a full stop: one sentence, no other full stop but abbreviations ("Wed.")."""
    stripped = block.rstrip("\"'”’» ")
    if not stripped.endswith(".") or stripped.endswith("..") or block.startswith(('"', "“", "‘", "'", "«")):
        return False
    inner = stripped[:-1]
    breaks = len(re.findall(r"\b[a-z]{2,}\.\s|[!?;]\s", inner))
    # Two short sentences make a headline too ("Goats ruled the island. Now it is reborn."); more is a lead.
    return (
        count_words(block) <= MAX_TWO_SENTENCE_TITLE_WORDS
        if breaks == 1
        else count_words(block) <= 20 and not breaks
    )


def _is_credit_line(block: str) -> bool:
    return (
        block.startswith(("(", "["))
        or bool(re.search(r"\b\w+/\w+", block) and count_words(block) < 8)
        or _ends_with_agency_credit(block)
    )


_TRAILING_PARENS = re.compile(r"[(\[](?P<credit>[^()\[\]]{2,40})[)\]]\s*$")


def _ends_with_agency_credit(block: str) -> bool:
    """True for a photo caption that ends crediting a news agency ("... (The Associated Press)", "[AFP]")."""
    match = _TRAILING_PARENS.search(block)
    return match is not None and match["credit"].strip().casefold() in AGENCIES


def clean_headline(block: str, blocks: Sequence[str]) -> str:
    """Drop a site name glued to the headline ("Title | Site"), when that site name appears on its own too."""
    match = _TITLE_SITE.match(block)
    if match is None:
        return block
    site = match.group("site").strip()
    title = match.group("title").strip()
    repeated = any(site.casefold() in other.casefold() for other in blocks if other != block)
    return title if repeated or block.rsplit(" ", 1)[-1] in {"News", "Online"} else block


def find_byline(
    blocks: Sequence[str], after: int, body_start: int, date_indices: set[int]
) -> tuple[int, int] | None:
    """The byline's block range in the header (or the first body blocks); None when there is none.

    A "By" line that names nobody ("By" / "The Site" / "-") does not stop the search: the story's own
    "Written by" line may follow.
    """
    for index in range(after, min(len(blocks), body_start + 3)):
        block = blocks[index]
        if is_byline(block):
            text, end = join_split_byline(blocks, index)
            if parse_byline(text) == ((), ()):
                continue
            return index, end
        near_date = any(abs(index - d) <= 2 for d in date_indices)
        if near_date and (is_name_line(block) or is_credited_name_line(block)):
            end = index + 1
            while end < len(blocks) and _is_joined_credit(blocks[end]):
                end += 1  # "& B, Director of ..." on the next line
            return index, end
        if is_name_line(block) and index + 1 < len(blocks) and is_role_line(blocks[index + 1]):
            return index, index + 2  # "Ana Ruiz" / "Political Editor" on two lines
        if any(abs(index - d) <= 1 for d in date_indices) and is_credit_line(block):
            return index, index + 1
        if index in date_indices and (name_then_date(block) or byline_after_date(block) is not None):
            return index, index + 1  # "Ana Ruiz | March 3, 2023", "March 3, 2023 by Ana Ruiz": one line
        if near_date and name_with_handle(block):
            return index, index + 1  # "Ana Ruiz @anaruiz"
    return None


BYLINE_ABOVE_REACH = 6
DISTANT_HEADER_REACH = 150


def distant_header(
    blocks: Sequence[str], body_start: int, date_indices: set[int]
) -> tuple[int, tuple[int, int]] | None:
    """The article's header set far above its body (a video carousel or an ad block in between): the nearest
    title-shaped block above the body with a "By" line naming someone right under it and a date line within
    three blocks of that byline. Returns the headline's index and the byline's range."""
    for index in range(body_start - 2, max(-1, body_start - DISTANT_HEADER_REACH), -1):
        below = index + 1
        if not is_byline(blocks[below]) or not any(abs(below - d) <= 3 for d in date_indices):
            continue
        if is_title(blocks[index]) and index not in date_indices and parse_byline(blocks[below]) != ((), ()):
            return index, (below, below + 1)
    return None


def byline_above(blocks: Sequence[str], headline: int, date_indices: set[int]) -> tuple[int, int] | None:
    """A byline printed above the headline, the nearest first: a "By" line naming someone within two blocks of
    a date line, or a bare name line with a date line between it and the headline (some sites set "Name" /
    "Section" / "Date" / "Headline"; an interface string shaped like a name has no date below it)."""
    for index in range(headline - 1, max(-1, headline - 1 - BYLINE_ABOVE_REACH), -1):
        block = blocks[index]
        if is_byline(block):
            if parse_byline(block) != ((), ()) and any(abs(index - d) <= 2 for d in date_indices):
                return index, index + 1
        elif is_name_line(block) and any(index < d < headline for d in date_indices):
            return index, index + 1
    return None


def _is_joined_credit(block: str) -> bool:
    rest = re.sub(r"^(?:&|and)\s+", "", block)
    return rest != block and (is_name_line(rest) or is_credited_name_line(rest))


def body_paragraphs(
    blocks: Sequence[str], classes: Sequence[BlockClass], layout: _Layout, skip: set[int]
) -> tuple[str, ...]:
    """The good blocks of the body span, without captions, related links, date lines and repeats."""
    return tuple(blocks[index] for index in body_indices(blocks, classes, layout, skip))


def body_indices(
    blocks: Sequence[str], classes: Sequence[BlockClass], layout: _Layout, skip: set[int]
) -> list[int]:
    """Indices of the blocks :func:`body_paragraphs` keeps, in page order."""
    start, end = layout.body
    seen: set[str] = set()
    kept: list[int] = []
    inner = inner_short_blocks(blocks, classes, start, end)
    for index in range(start, end):
        block = blocks[index]
        if index in layout.cells:
            kept.append(index)
            continue
        if index in skip or block in seen:
            continue
        # Only a block that is not good needs a reason to be kept (a list item, a subheading, a closing credit).
        if classes[index] is not BlockClass.GOOD and not (
            index in layout.list_items or index in inner or _CLOSING_CREDIT.match(block) is not None
        ):
            continue
        if _is_rules_aside(block):
            continue
        seen.add(block)
        kept.append(index)
    return kept


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _is_rules_aside(block: str) -> bool:
    """A related-link line, a caption or a byline: never body text to the rules."""
    return _RELATED.match(block) is not None or _is_caption(block) or is_byline(block)


BLOCKS_AROUND_SPAN = 4  # blocks on either side of the body's span that the block model also sees


def block_candidates(
    blocks: Sequence[str],
    classes: Sequence[BlockClass],
    layout: _Layout,
    skip: set[int],
    kept: Sequence[int],
) -> tuple[list[int], npt.NDArray[np.float64]]:
    """The blocks the learned block model chooses among, and the rules' decisions about each of them.

    The candidates are the blocks of the body's span and :data:`BLOCKS_AROUND_SPAN` on either side, without the
    headline, the byline and date lines (``skip``) and repeats (but a table's cells); ``kept`` are the blocks the
    rules keep. The rows
    follow :data:`flows.core.page.blockmodel.RULE_FEATURES`.
    """
    start, end = layout.body
    chosen = set(kept)
    seen = {blocks[index] for index in kept}
    indices: list[int] = []
    for index in range(max(0, start - BLOCKS_AROUND_SPAN), min(len(blocks), end + BLOCKS_AROUND_SPAN)):
        if index in chosen or index in layout.cells:
            indices.append(index)
        elif index not in skip and index != layout.headline and blocks[index] not in seen:
            seen.add(blocks[index])
            indices.append(index)
    rows = [
        [
            float(index in chosen),
            float(start <= index < end),
            _log1p(max(0, start - index)),
            _log1p(max(0, index - end + 1)),
            float(classes[index] is BlockClass.GOOD),
            float(classes[index] is BlockClass.SHORT),
            float(_is_rules_aside(blocks[index])),
        ]
        for index in indices
    ]
    return indices, np.asarray(rows, dtype=np.float64).reshape(len(indices), len(RULE_FEATURES))


@lru_cache(maxsize=256)
def _log1p(blocks: int) -> float:
    """``np.log1p`` of a count of blocks, kept (the same few small counts on every page)."""
    return float(np.log1p(blocks))


def inner_short_blocks(
    blocks: Sequence[str], classes: Sequence[BlockClass], start: int, end: int
) -> set[int]:
    """Indices of the short blocks the article holds between its paragraphs: subheadings and list items.

    A run of short blocks (and of headline-shaped blocks that occur once) with article text on both sides
    belongs to the article, up to a "Related" label, unless it lists other stories: two or more headlines
    too long to be short, or three or more headlines in title case. Photo credits, share buttons and calls
    to the reader inside the run stay out.
    """
    counts = Counter(blocks[start:end])
    inner = [
        cls is BlockClass.SHORT or (cls is BlockClass.BAD and counts[block] == 1 and is_title(block))
        for block, cls in zip(blocks[start:end], classes[start:end], strict=True)
    ]
    kept: set[int] = set()
    index = start
    while index < end:
        if not inner[index - start]:
            index += 1
            continue
        run_end = index
        while run_end < end and inner[run_end - start]:
            run_end += 1
        before = index > start and classes[index - 1] is BlockClass.GOOD
        after = run_end < end and classes[run_end] is BlockClass.GOOD
        label = next((i for i in range(index, run_end) if _RELATED_LABEL.match(blocks[i])), run_end)
        headlines = sum(1 for i in range(index, label) if classes[i] is BlockClass.BAD)
        if before and after and headlines < MAX_RUN_HEADLINES and not _is_link_list(blocks[index:label]):
            kept.update(i for i in range(index, label) if not _is_aside(blocks[i]))
        index = run_end
    return kept


def _is_link_list(run: Sequence[str]) -> bool:
    """True for a run of short blocks that lists other stories rather than continuing this one."""
    return len(run) >= 3 and all(_is_title_case(block) and not _LIST_ITEM.match(block) for block in run)


def _is_title_case(block: str) -> bool:
    words = [word for word in words_of(block) if len(word) > 3 and not word.isdigit()]
    return len(words) >= 2 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def _between_text(classes: Sequence[BlockClass], index: int) -> bool:
    """True for a block set between paragraphs, a few blocks from text on either side (a slide's credit
    line, an ad label): inside an article a short one costs what a caption costs, not what a menu costs."""
    before = classes[max(0, index - SANDWICH_REACH) : index]
    after = classes[index + 1 : index + 1 + SANDWICH_REACH]
    return BlockClass.GOOD in before and BlockClass.GOOD in after


def _is_aside(block: str) -> bool:
    """A photo credit, gallery counter, share button, video teaser or call to action between paragraphs."""
    return (
        _PHOTO_CREDIT.search(block) is not None
        or _ASIDE.search(block) is not None
        or is_credit_line(block)
        or _is_caption(block)
        or (block.isupper() and count_words(block) >= 6 and not block.endswith(("?", ":")))
    )


def is_reader_call(block: str, max_chars: int = MAX_CALL_CHARS) -> bool:
    """True for a short block that addresses the reader about the site ("Get our app on your phone")."""
    # '"you" in block.lower()' spares the scans of most blocks: no other letter matches "y", "o" or "u" ignoring case.
    return (
        len(block) <= max_chars
        and "you" in block.lower()
        and _SECOND_PERSON.search(block) is not None
        and _SITE_FUNCTION.search(block) is not None
    )


def _in_signup_box(blocks: Sequence[str], classes: Sequence[BlockClass], index: int) -> bool:
    """True for a call to the reader that sits against boilerplate: the text of a sign-up or app box.

    The neighbours matter: inside a story, with text on either side, the same words are reporting (a deals
    story explains how to sign up).
    """
    if classes[index] is not BlockClass.GOOD or not is_reader_call(blocks[index], MAX_BOX_CALL_CHARS):
        return False
    near = [classes[i] for i in (index - 1, index + 1) if 0 <= i < len(blocks)]
    return BlockClass.BAD in near and BlockClass.GOOD not in near


def drop_closing_notes(paragraphs: tuple[str, ...], authors: Sequence[str]) -> tuple[str, ...]:
    """The paragraphs without the notes that close the page: the author's biography ("A. Name is a professor
    at ...") and calls to the reader ("Get our app", "Write to the editor").

    Only the end counts, where sites print these notes, and only the byline's own people make a biography:
    the same words inside the story are reporting (a deals story tells readers how to sign up).
    """
    kept = list(paragraphs)
    while kept and (
        is_reader_call(kept[-1])
        or is_promo_blurb(kept[-1])
        or any(_is_author_note(kept[-1], a) for a in authors)
    ):
        kept.pop()
    return tuple(kept)


# A teaser for the site's own coverage or newsletters ("The latest news and analysis from our bureau ...",
# "Get the latest on ..."), or an advertising disclosure: the page's furniture, when it closes the body.
_PROMO_BLURB = re.compile(
    r"^(?:(?:get|for|read) )?(?:the|all the|your) latest (?:news|on|from|updates?|headlines|stories)\b|"
    r"^advertis\w* disclosure\b|^(?:this|the) (?:post|article|story|page) (?:may )?contains? affiliate links\b",
    re.IGNORECASE,
)


def is_promo_blurb(block: str, max_chars: int = MAX_CALL_CHARS) -> bool:
    """True for a short teaser of the site's coverage or an advertising disclosure (see ``_PROMO_BLURB``)."""
    return len(block) <= max_chars and _PROMO_BLURB.match(block) is not None


def _is_author_note(paragraph: str, author: str) -> bool:
    if not paragraph.startswith(author):
        return False
    rest = paragraph[len(author) :].lstrip(" ,")
    return re.match(r"(?:is|was|writes|covers|reports|has (?:been|written)|teaches)\b", rest) is not None


def find_subheadline(blocks: Sequence[str], layout: _Layout, skip: set[int]) -> str | None:
    """The standfirst: a sentence-length block right under the headline, before the body."""
    if layout.headline is None:
        return None
    headline = blocks[layout.headline]
    for index in range(layout.headline + 1, min(layout.headline + 3, layout.body[0])):
        block = blocks[index]
        if index in skip or block == headline or _is_caption(block) or is_name_line(block):
            continue
        if count_words(block) >= 6 and not _BOILERPLATE_TITLE.search(block):
            return block
    return None


def choose_dates(
    candidates: Sequence[DateCandidate], header_start: int, body_start: int, body_end: int
) -> tuple[PublishedDate | None, PublishedDate | None]:
    """The publication and update dates nearest the article's header (or just after its body).

    Dates far from the article (the page's "today" line, dates in related-story lists) are not taken; an
    "Updated" date is never returned as the publication date.
    """

    def distance(candidate: DateCandidate) -> int:
        index = candidate.index
        if header_start - 1 <= index <= body_start + 1:
            return 0
        if body_end <= index <= body_end + 3:
            return 1
        return header_start - index if index < header_start else index - body_start

    def rank(candidate: DateCandidate) -> tuple[bool, bool, int, int]:
        labelled = candidate.kind is DateKind.PUBLISHED or candidate.in_byline
        return distance(candidate) > 3, not labelled, distance(candidate), candidate.index

    near = [c for c in candidates if distance(c) <= DATE_REACH]
    published = [c for c in near if c.kind is not DateKind.UPDATED]
    updated = [c for c in near if c.kind is DateKind.UPDATED]
    return (
        min(published, key=rank).date if published else None,
        min(updated, key=rank).date if updated else None,
    )


def find_tagline(header: Sequence[str]) -> str | None:
    """The site's tagline: the first phrase-shaped block of the page header, if it has one."""
    for block in header:
        words = block.split()
        if (
            2 <= len(words) <= MAX_TAGLINE_WORDS
            and any(word.islower() for word in words)
            and not block.endswith((".", ":"))
            and _BOILERPLATE_TITLE.search(block) is None
            and not is_byline(block)
        ):
            return block
    return None


def find_caption(blocks: Sequence[str], start: int, end: int) -> tuple[str | None, str | None]:
    """The first image caption between the headline and the end of the body, split from its credit."""
    for block in blocks[start:end]:
        split = split_caption(block)
        if split is not None:
            return split
    return None, None


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def split_caption(block: str) -> tuple[str, str] | None:
    """Split "caption [credit]" (or "(Photo: credit)", "Photo by credit") into caption and credit."""
    if _RELATED.match(block):
        return None
    for pattern in (_BRACKET_CREDIT, _PAREN_CREDIT, _LABELLED_CREDIT, _CAPS_CREDIT):
        if _OPENING_BRACKET.get(pattern, "") not in block:
            continue  # no bracket, no "[credit]" or "(credit)": spare the scan
        match = pattern.match(block)
        if pattern is _CAPS_CREDIT and match is not None and not match.group("credit").isupper():
            continue  # "... by John Smith" ends many sentences; a credit line is in capitals
        if pattern is _BRACKET_CREDIT and match is not None and _is_quotation(match.group("caption")):
            continue  # "“...” [Source 2]": a quotation and its source, not a photo and its credit
        if match is not None:
            credit = re.sub(
                r"^(?:photo|image|picture|credit)s?\s*(?::|by\b)\s*",
                "",
                match.group("credit").strip(),
                flags=re.I,
            )
            return match.group("caption").strip(), credit
    return None


_OPENING_BRACKET = {_BRACKET_CREDIT: "[", _PAREN_CREDIT: "("}


def _is_quotation(text: str) -> bool:
    return text.startswith(("“", '"', "«", "„", "‘")) and text.endswith(("”", '"', "»", "“", "’"))


def _is_caption(block: str) -> bool:
    return split_caption(block) is not None


def find_dateline_place(paragraph: str) -> str | None:
    """The place of a wire-style dateline opening the first paragraph ("HOUSTON, Texas (KTRK) -- ...")."""
    match = _DATELINE.match(paragraph)
    return match.group("place") if match else None


def related_headlines(blocks: Sequence[str]) -> list[str]:
    """Headlines of "READ: ..." style related-link lines, in page order."""
    return [match.group("headline") for match in map(_RELATED.match, blocks) if match is not None]
