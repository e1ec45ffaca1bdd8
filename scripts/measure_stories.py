"""Measure the story grouping on pages built by editing copies of the hand-written test pages.

For each page of tests/data/parse that parses as an article, four edited copies are made: white space
changed, boilerplate lines added, one paragraph rewritten, another publisher's header. Each copy's body is
compared with the original's (exact Jaccard of 5-word shingles, MinHash estimate, shared LSH band key, same
body_sha256); every pair of different originals is compared the same way. Run: ``python scripts/measure_stories.py``.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flows.core.models import Article, RawDocument, SourceFile  # noqa: E402
from flows.core.page.article import to_article  # noqa: E402
from flows.core.stories import (  # noqa: E402
    band_keys,
    body_sha256,
    estimated_similarity,
    shingles,
    signature,
)


def parse(text: str, name: str) -> Article | None:
    data = text.encode("utf-8")
    raw = RawDocument(SourceFile(name, len(data), 0), data, hashlib.sha256(data).hexdigest())
    outcome = to_article(raw)
    return outcome if isinstance(outcome, Article) else None


def whitespace(text: str) -> str:
    return text.replace(". ", ".  ").replace("\n\n", "\n \n\n").replace(", ", " ,  ").rstrip() + "\n\n\n"


def boilerplate(text: str) -> str:
    lines = text.split("\n\n")
    middle = len(lines) // 2
    extra = ["Share this article", "Sign up for our newsletter", "Read more: local news"]
    return "\n\n".join([*lines[:middle], extra[0], *lines[middle:], *extra[1:]])


def changed_paragraph(text: str, body: str) -> str:
    paragraphs = [p for p in body.split("\n\n") if len(p) > 80]
    if not paragraphs:
        return text
    target = paragraphs[len(paragraphs) // 2]
    return text.replace(
        target, "A spokesperson declined to comment on the figures when asked on Friday afternoon by phone."
    )


def other_header(text: str) -> str:
    lines = text.split("\n\n")
    return "\n\n".join(["The Northern Echo Online", "Home", "Business", "Opinion", *lines[2:]])


def compare(first: str, second: str) -> tuple[float, float, bool, bool]:
    a, b = shingles(first), shingles(second)
    jaccard = len(a & b) / len(a | b) if a | b else 1.0
    sa, sb = signature(a), signature(b)
    shared = bool(set(band_keys(sa)) & set(band_keys(sb)))
    return jaccard, estimated_similarity(sa, sb), shared, body_sha256(first) == body_sha256(second)


def main() -> None:
    originals: dict[str, str] = {}
    edits: list[tuple[str, str, tuple[float, float, bool, bool]]] = []
    for path in sorted((REPO / "tests" / "data" / "parse").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        article = parse(text, path.name)
        if article is None or not article.page.body:
            continue
        body = article.page.body
        originals[path.name] = body
        variants: dict[str, Callable[[str], str]] = {
            "whitespace": whitespace,
            "boilerplate": boilerplate,
            "changed paragraph": lambda t, body=body: changed_paragraph(t, body),  # type: ignore[misc]
            "other header": other_header,
        }
        for kind, edit in variants.items():
            copy = parse(edit(text), path.name)
            if copy is None or not copy.page.body:
                edits.append((path.name, kind, (0.0, 0.0, False, False)))
                continue
            edits.append((path.name, kind, compare(body, copy.page.body)))
    print(f"{len(originals)} original pages, {len(edits)} edited copies")
    print("| edit | copies | Jaccard min / mean | estimate min | share a band key | same body_sha256 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind in ("whitespace", "boilerplate", "changed paragraph", "other header"):
        rows = [r for _, k, r in edits if k == kind]
        jaccards = [r[0] for r in rows]
        print(
            f"| {kind} | {len(rows)} | {min(jaccards):.2f} / {sum(jaccards) / len(jaccards):.2f} | "
            f"{min(r[1] for r in rows):.2f} | {sum(r[2] for r in rows)}/{len(rows)} | "
            f"{sum(r[3] for r in rows)}/{len(rows)} |"
        )
    pairs = [compare(a, b) for a, b in itertools.combinations(originals.values(), 2)]
    print(
        f"| different pages (pairs) | {len(pairs)} | max {max(p[0] for p in pairs):.2f} | "
        f"max {max(p[1] for p in pairs):.2f} | {sum(p[2] for p in pairs)}/{len(pairs)} | "
        f"{sum(p[3] for p in pairs)}/{len(pairs)} |"
    )
    padded = []
    for path in sorted((REPO / "tests" / "data" / "parse").glob("*.txt")):
        copy = parse(boilerplate(path.read_text(encoding="utf-8")), path.name)
        if path.name in originals and copy is not None and copy.page.body:
            padded.append(copy.page.body)
    shared = [compare(a, b) for a, b in itertools.combinations(padded, 2)]
    print(
        f"| different pages, same boilerplate added (pairs) | {len(shared)} | max {max(p[0] for p in shared):.2f} | "
        f"max {max(p[1] for p in shared):.2f} | {sum(p[2] for p in shared)}/{len(shared)} | "
        f"{sum(p[3] for p in shared)}/{len(shared)} |"
    )
    for name, kind, row in edits:
        if not row[2]:
            print(f"missed: {name} ({kind}): Jaccard {row[0]:.2f}")


if __name__ == "__main__":
    main()
