"""Train the parser's learned parts from the evaluation corpus and write them into the package.

Run from the repository root (``make train``)::

    .venv/bin/python scripts/train.py [--corpus ../shared/corpus/pages] [--check]

The block model (:mod:`flows.core.page.blockmodel`) learns which blocks of the body's span and its surroundings
are article text, with the rules' decisions among its features. Each candidate block on a page with gold is
labelled from that gold: article text when most of its word 4-grams are in the gold body (pages with a gold
body), or when it holds a snippet the gold says must be in the body; boilerplate when its 4-grams are not in the
gold body, or when it holds a snippet the gold says must stay out. Blocks of pages with snippet gold that hold
neither are left out. The headline ranker (:mod:`flows.core.page.headmodel`) learns from the pages with a gold
title. The corpus is
read where it lies; only the fitted numbers are written. Training is deterministic: ``--check`` retrains and
fails when the result differs from the committed file. :func:`train_for_pages` is what ``scripts/eval.py``
calls to cross-validate by publisher.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from flows.core.intel import speakers  # noqa: E402
from flows.core.page import authormodel, headmodel  # noqa: E402
from flows.core.page.authormodel import AuthorModel  # noqa: E402
from flows.core.page.blockmodel import (  # noqa: E402
    BASE_FEATURES,
    FEATURES,
    MODEL_PATH,
    BlockModel,
    expand,
    features,
)
from flows.core.page.headmodel import HeadlineModel  # noqa: E402
from flows.core.page.parse import (  # noqa: E402
    clean_headline,
    page_body_choice,
    page_byline_candidates,
    page_headline_candidates,
)

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "pages"
SHINGLE = 4
BODY_SHARE = 0.5  # a paragraph with at least this share of its 4-grams in the gold body is article text
REGULARISATION = 0.05  # strong: the rules' decisions stand unless the evidence is broad
HEADLINE_REGULARISATION = 0.05  # strong: the rules' decisions stand unless the evidence is broad
NEVER = 1.01  # a threshold no probability reaches: the rules' decision stands
# Dropping blocks the rules keep lowered the cross-validated body F1 at every threshold tried (0.05 to 0.5):
# only 0 (keep every block the rules keep) is left to choose.
DROP_THRESHOLDS = (0.0,)
ADD_THRESHOLDS = (0.8, 0.9, 0.95, NEVER)
_TOKEN = re.compile(r"\w+")


def _grams(text: str) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < SHINGLE:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def label(paragraph: str, gold: dict[str, object]) -> int | None:
    """1 for article text, 0 for boilerplate, None when the gold does not say."""
    fields = set(gold.get("gold_fields") or ())  # type: ignore[call-overload]
    flat = " ".join(paragraph.split())
    present = [" ".join(str(s).split()) for s in gold.get("body_snippets_present") or ()]  # type: ignore[attr-defined]
    absent = [" ".join(str(s).split()) for s in gold.get("boilerplate_snippets_absent") or ()]  # type: ignore[attr-defined]
    if "body" in fields and gold.get("body"):
        grams = _grams(paragraph)
        body = _grams(str(gold["body"]))
        if not grams:
            return None
        if len(grams) == 1 and len(next(iter(grams))) < SHINGLE:  # a few words: the words as a phrase
            return int(" ".join(next(iter(grams))) in " ".join(_TOKEN.findall(str(gold["body"]).casefold())))
        return int(len(grams & body) >= BODY_SHARE * len(grams))
    if any(snippet and snippet in flat for snippet in present):
        return 1
    if any(snippet and snippet in flat for snippet in absent):
        return 0
    return None


def training_data(
    corpus: Path, page_ids: Sequence[str]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Features, labels and word counts of the labelled paragraphs the rules keep on these pages."""
    pages = [page_rows(corpus, page_id) for page_id in sorted(page_ids)]
    pages = [rows for rows in pages if len(rows[1])]
    if not pages:
        return np.zeros((0, len(BASE_FEATURES))), np.zeros(0, dtype=np.int64), np.zeros(0)
    return (
        np.vstack([rows[0] for rows in pages]),
        np.concatenate([rows[1] for rows in pages]),
        np.concatenate([rows[2] for rows in pages]),
    )


@cache
def page_rows(
    corpus: Path, page_id: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """One page's labelled candidate blocks (cached: cross-validation trains on the same pages several
    times)."""
    gold = json.loads((corpus / f"{page_id}.json").read_text(encoding="utf-8"))
    text = (corpus / f"{page_id}.txt").read_bytes().decode("utf-8", errors="replace")
    empty = (np.zeros((0, len(BASE_FEATURES))), np.zeros(0, dtype=np.int64), np.zeros(0))
    found = page_body_choice(text)
    if found is None or not found[1].paragraphs:
        return empty
    blocks, choice = found
    matrix = features(choice.candidates, blocks, choice.headline, choice.rules)
    keep = [(row, value, float(len(_TOKEN.findall(p)))) for row, p in zip(matrix, choice.candidates, strict=True)
            if (value := label(p, gold)) is not None]  # fmt: skip
    if not keep:
        return empty
    return (
        np.vstack([row for row, _, _ in keep]),
        np.asarray([value for _, value, _ in keep], dtype=np.int64),
        np.asarray([words for _, _, words in keep]),
    )


def fit(
    matrix: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], words: npt.NDArray[np.float64]
) -> BlockModel:
    """A logistic regression on the standardised expanded features (:func:`expand`); the two thresholds that
    keep the most words of article text while leaving boilerplate out (word-weighted F1 of the kept blocks, on
    these training rows), preferring the rules' own decision on a tie."""
    from sklearn.linear_model import LogisticRegression

    expanded = expand(matrix)
    mean = expanded.mean(axis=0)
    scale = expanded.std(axis=0)
    scale[scale == 0] = 1.0
    regression = LogisticRegression(C=REGULARISATION, max_iter=5000, solver="lbfgs")
    regression.fit((expanded - mean) / scale, labels)
    rounded = BlockModel.from_json(
        BlockModel(
            features=FEATURES,
            mean=tuple(float(v) for v in mean),
            scale=tuple(float(v) for v in scale),
            coef=tuple(float(v) for v in regression.coef_[0]),
            intercept=float(regression.intercept_[0]),
            drop_below=0.0,
            add_from=NEVER,
        ).to_json()
    )  # choose the thresholds with the numbers that ship
    probabilities = rounded.probabilities(expanded)
    kept = matrix[:, BASE_FEATURES.index("rules_kept")] > 0.5
    drop_below, add_from = max(
        ((d, a) for d in DROP_THRESHOLDS for a in ADD_THRESHOLDS),
        key=lambda t: (
            _kept_f1(np.where(kept, probabilities >= t[0], probabilities >= t[1]), labels, words),
            -t[0],
            t[1],
        ),
    )
    return BlockModel.from_json(
        BlockModel(
            features=rounded.features,
            mean=rounded.mean,
            scale=rounded.scale,
            coef=rounded.coef,
            intercept=rounded.intercept,
            drop_below=drop_below,
            add_from=add_from,
        ).to_json()
    )


def _kept_f1(
    kept: npt.NDArray[np.bool_], labels: npt.NDArray[np.int64], words: npt.NDArray[np.float64]
) -> float:
    tp = float(words[kept & (labels == 1)].sum())
    fp = float(words[kept & (labels == 0)].sum())
    fn = float(words[~kept & (labels == 1)].sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def gold_pages(corpus: Path) -> list[str]:
    """Ids of the pages whose gold can label paragraphs (a body, or snippets)."""
    ids = []
    for path in sorted(corpus.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "body" in (gold.get("gold_fields") or ()) or gold.get("body_snippets_present"):
            ids.append(path.stem)
    return ids


def trained_model_text(corpus: Path) -> str:
    """The JSON text of the block model trained on every usable page of the corpus (what ``make train``
    writes)."""
    return fit(*training_data(corpus, gold_pages(corpus))).to_json()


def train_for_pages(corpus: Path, page_ids: Sequence[str]) -> BlockModel:
    """The block model trained on these pages only (those of them with labelling gold)."""
    usable = set(gold_pages(corpus)) & set(page_ids)
    return fit(*training_data(corpus, sorted(usable)))


# --- the headline ranker -----------------------------------------------------------------------------------

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)


def normalise_headline(text: str) -> str:
    """Fold case, curly quotes, dashes and whitespace (as ``scripts/eval.py`` compares headlines)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[‐-―]", "-", text)
    return " ".join(text.casefold().split())


@cache
def headline_rows(corpus: Path, page_id: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """One page's headline candidates: features, and 1 for the candidates that are the gold title (after the
    parser's own cleaning), 0 for the others. No rows when no candidate is the gold title: nothing to rank."""
    empty = (np.zeros((0, len(headmodel.FEATURES))), np.zeros(0, dtype=np.int64))
    gold = json.loads((corpus / f"{page_id}.json").read_text(encoding="utf-8"))
    title = gold.get("title")
    if "title" not in (gold.get("gold_fields") or ()) or not title:
        return empty
    text = (corpus / f"{page_id}.txt").read_bytes().decode("utf-8", errors="replace")
    found = page_headline_candidates(text)
    if found is None:
        return empty
    blocks, indices, matrix = found
    want = normalise_headline(str(title))
    labels = np.asarray(
        [int(normalise_headline(clean_headline(blocks[i], blocks)) == want) for i in indices], dtype=np.int64
    )
    return (matrix, labels) if labels.any() else empty


def headline_training_data(
    corpus: Path, page_ids: Sequence[str]
) -> tuple[list[tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]], int]:
    """Each page's candidate features and labels (the pages where some candidate is the gold title), and
    how many candidates they hold."""
    pages = [headline_rows(corpus, page_id) for page_id in sorted(page_ids)]
    pages = [rows for rows in pages if len(rows[1])]
    return pages, sum(len(labels) for _, labels in pages)


def fit_headline(pages: Sequence[tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]]) -> HeadlineModel:
    """A pairwise ranker on standardised candidate features: a logistic regression (no intercept) on the
    difference between a page's headline and each of its other candidates, both ways round, so that the
    headline scores above the others on its own page."""
    from sklearn.linear_model import LogisticRegression

    width = len(headmodel.FEATURES)
    matrix = np.vstack([m for m, _ in pages]) if pages else np.zeros((0, width))
    mean = matrix.mean(axis=0) if len(matrix) else np.zeros(width)
    scale = matrix.std(axis=0) if len(matrix) else np.ones(width)
    scale[scale == 0] = 1.0
    differences = []
    for features_, labels in pages:
        scaled = (features_ - mean) / scale
        for good in np.flatnonzero(labels == 1):
            for other in np.flatnonzero(labels == 0):
                differences.append(scaled[good] - scaled[other])
    if differences:
        pairs = np.asarray(differences)
        regression = LogisticRegression(C=HEADLINE_REGULARISATION, max_iter=5000, fit_intercept=False)
        regression.fit(np.vstack([pairs, -pairs]), np.r_[np.ones(len(pairs)), np.zeros(len(pairs))])
        coef = regression.coef_[0]
    else:
        coef = np.zeros(width)
    model = HeadlineModel(
        features=headmodel.FEATURES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in coef),
        intercept=0.0,
    )
    return HeadlineModel.from_json(model.to_json())  # the numbers that ship


def headline_pages(corpus: Path) -> list[str]:
    """Ids of the pages with a gold title."""
    ids = []
    for path in sorted(corpus.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "title" in (gold.get("gold_fields") or ()) and gold.get("title"):
            ids.append(path.stem)
    return ids


def trained_headline_text(corpus: Path) -> str:
    """The JSON text of the headline ranker trained on every page with a gold title (what ``make train``
    writes)."""
    return fit_headline(headline_training_data(corpus, headline_pages(corpus))[0]).to_json()


def train_headline_for_pages(corpus: Path, page_ids: Sequence[str]) -> HeadlineModel:
    """The headline ranker trained on these pages only (those of them with a gold title)."""
    return fit_headline(
        headline_training_data(corpus, sorted(set(headline_pages(corpus)) & set(page_ids)))[0]
    )


# --- the byline ranker -------------------------------------------------------------------------------------

AUTHOR_REGULARISATION = 0.1
# The rules' byline stands whenever they find one; the ranker fills in where they find none. Letting the ranker
# override them measured no better under cross-validation (docs/extraction-quality.md).
AUTHOR_RULES_FIRST = 1.0


def normalise_names(names: Sequence[str]) -> set[str]:
    """Names folded as ``scripts/eval.py`` compares authors (accents, case, punctuation), "A and B" split."""
    result = set()
    for entry in names:
        for part in re.split(r"\s*(?:,|;|&|\band\b)\s*", entry):
            plain = "".join(
                c for c in unicodedata.normalize("NFKD", part) if not unicodedata.combining(c)
            ).casefold()
            folded = " ".join(re.sub(r"[^\w\s'-]", " ", plain).replace("'", "").split())
            if folded:
                result.add(folded)
    return result


@cache
def author_rows(corpus: Path, page_id: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """One page's byline candidates: features, and 1 for the candidates whose credits match the gold authors
    at least half way (F1 of the name sets >= 0.5), 0 for the others (all 0 on a page whose gold names nobody)."""
    empty = (np.zeros((0, len(authormodel.FEATURES))), np.zeros(0, dtype=np.int64))
    gold = json.loads((corpus / f"{page_id}.json").read_text(encoding="utf-8"))
    if "authors" not in (gold.get("gold_fields") or ()):
        return empty
    want = normalise_names([str(a) for a in gold.get("authors") or ()])
    text = (corpus / f"{page_id}.txt").read_bytes().decode("utf-8", errors="replace")
    found = page_byline_candidates(text, headmodel.shipped_model())
    if found is None or not found[1]:
        return empty
    _, candidates, matrix = found
    labels = []
    for candidate in candidates:
        got = normalise_names(candidate.people or candidate.agencies)
        shared = len(got & want)
        labels.append(int(bool(want) and 2 * shared >= 0.5 * (len(got) + len(want))))
    return matrix, np.asarray(labels, dtype=np.int64)


def author_pages(corpus: Path) -> list[str]:
    """Ids of the pages whose gold lists the authors (an empty list included: a page crediting nobody)."""
    ids = []
    for path in sorted(corpus.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "authors" in (gold.get("gold_fields") or ()):
            ids.append(path.stem)
    return ids


def author_training_data(
    corpus: Path, page_ids: Sequence[str]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """The byline candidates of these pages (features and labels), in page order."""
    pages = [author_rows(corpus, page_id) for page_id in sorted(page_ids)]
    pages = [rows for rows in pages if len(rows[1])]
    if not pages:
        return np.zeros((0, len(authormodel.FEATURES))), np.zeros(0, dtype=np.int64)
    return np.vstack([m for m, _ in pages]), np.concatenate([y for _, y in pages])


def fit_author(
    matrix: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], rules_first: float = AUTHOR_RULES_FIRST
) -> AuthorModel:
    """A logistic regression on the standardised candidate features (all weights 0 but a negative intercept,
    choosing nothing, when the labels hold one class only)."""
    from sklearn.linear_model import LogisticRegression

    width = len(authormodel.FEATURES)
    mean = matrix.mean(axis=0) if len(matrix) else np.zeros(width)
    scale = matrix.std(axis=0) if len(matrix) else np.ones(width)
    scale[scale == 0] = 1.0
    if len(set(labels.tolist())) == 2:
        regression = LogisticRegression(C=AUTHOR_REGULARISATION, max_iter=5000, solver="lbfgs")
        regression.fit((matrix - mean) / scale, labels)
        coef, intercept = regression.coef_[0], float(regression.intercept_[0])
    else:
        coef, intercept = np.zeros(width), -1.0
    model = AuthorModel(
        features=authormodel.FEATURES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in coef),
        intercept=intercept,
        rules_first=rules_first,
    )
    return AuthorModel.from_json(model.to_json())  # the numbers that ship


def trained_author_text(corpus: Path) -> str:
    """The JSON text of the byline ranker trained on every page with gold authors (what ``make train``
    writes)."""
    return fit_author(*author_training_data(corpus, author_pages(corpus))).to_json()


def train_author_for_pages(corpus: Path, page_ids: Sequence[str]) -> AuthorModel:
    """The byline ranker trained on these pages only (those of them with gold authors), as shipped."""
    return fit_author(*author_training_data(corpus, sorted(set(author_pages(corpus)) & set(page_ids))))


def train_author_override_for_pages(corpus: Path, page_ids: Sequence[str]) -> AuthorModel:
    """The byline ranker trained on these pages, overriding the rules' byline (measured, not shipped)."""
    matrix, labels = author_training_data(corpus, sorted(set(author_pages(corpus)) & set(page_ids)))
    return fit_author(matrix, labels, rules_first=0.0)


def train_shipped_for_pages(corpus: Path, page_ids: Sequence[str]) -> tuple[HeadlineModel, AuthorModel]:
    """The parser's learned parts (headline ranker, byline ranker) trained on these pages only."""
    return train_headline_for_pages(corpus, page_ids), train_author_for_pages(corpus, page_ids)


def train_speaker_ranker(intel_corpus: Path, check: bool) -> bool:
    """The speaker ranker of :mod:`flows.core.intel.speakers`, fitted on every PolNeAR document (dev and train
    sample) under ``intel_corpus`` (the folder holding ``intel/polnear_dev``); True when written or reproduced."""
    if not (intel_corpus / "intel" / "polnear_dev").is_dir():
        print(f"speaker ranker: skipped, no intel/polnear_dev under {intel_corpus}")
        return True
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from intel_eval import _speakers, quotes

    rows = [_speakers.doc_rows(doc) for doc in quotes.load_docs(intel_corpus)]
    model = _speakers.fit(rows)
    print(
        f"speaker ranker: {sum(len(y) for _, y in rows)} candidates "
        f"({sum(sum(y) for _, y in rows)} speakers) on {len(rows)} documents, {len(speakers.FEATURES)} features"
    )
    return _write_or_check(speakers.MODEL_PATH, model.to_json(), check)


def _write_or_check(path: Path, text: str, check: bool) -> bool:
    if check:
        same = path.exists() and path.read_text(encoding="utf-8") == text
        print(
            f"{path.name}: "
            + ("the committed model is reproduced" if same else f"error: training does not give {path}")
        )
        return same
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)}")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Train on every page of the corpus and write (or, with ``--check``, compare) the shipped model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of <id>.txt and <id>.json"
    )
    parser.add_argument(
        "--check", action="store_true", help="fail when training does not give the committed model"
    )
    parser.add_argument(
        "--intel-corpus",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "corpus",
        help="folder holding intel/polnear_dev (the speaker ranker's training set)",
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    matrix, labels, words = training_data(args.corpus, gold_pages(args.corpus))
    text = fit(matrix, labels, words).to_json()
    print(
        f"block model: {len(labels)} paragraphs ({int((labels == 0).sum())} boilerplate), {len(FEATURES)} features"
    )
    blocks_ok = _write_or_check(MODEL_PATH, text, args.check)
    head_pages, candidates = headline_training_data(args.corpus, headline_pages(args.corpus))
    head_text = fit_headline(head_pages).to_json()
    print(
        f"headline ranker: {candidates} candidates on {len(head_pages)} pages, {len(headmodel.FEATURES)} features"
    )
    head_ok = _write_or_check(headmodel.MODEL_PATH, head_text, args.check)
    author_matrix, author_labels = author_training_data(args.corpus, author_pages(args.corpus))
    print(
        f"byline ranker: {len(author_labels)} candidates ({int(author_labels.sum())} bylines) on "
        f"{len(author_pages(args.corpus))} pages, {len(authormodel.FEATURES)} features"
    )
    author_ok = _write_or_check(
        authormodel.MODEL_PATH, fit_author(author_matrix, author_labels).to_json(), args.check
    )
    speakers_ok = train_speaker_ranker(args.intel_corpus, args.check)
    return 0 if blocks_ok and head_ok and author_ok and speakers_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
