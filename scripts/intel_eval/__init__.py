"""Evaluations of entity intelligence on outside gold: each module has ``report(corpus: Path) -> str``."""
