"""A logistic regression over standardised features, kept as a small JSON file beside the parser.

The learned parts of the page parser (:mod:`flows.core.page.blockmodel`, :mod:`flows.core.page.headmodel`)
are such models; ``scripts/train.py`` fits them and writes their files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights over standardised features: ``((x - mean) / scale) @ coef + intercept``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def kind(self) -> str:
        """What the model file says it holds (a method, not a class constant: mypyc compiles this class, and
        takes a constant on a dataclass for a field)."""
        return "logistic-regression"

    def logits(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each row's logit (a row: one item's features in :attr:`features` order)."""
        scaled = (matrix - np.asarray(self.mean)) / np.asarray(self.scale)
        result: npt.NDArray[np.float64] = scaled @ np.asarray(self.coef) + self.intercept
        return result

    def probabilities(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each row's probability: the logistic of its logit (clipped, so no overflow warning)."""
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(self.logits(matrix), -30.0, 30.0)))
        return result

    def to_json(self) -> str:
        """The model as JSON text (stable: the same model gives the same bytes)."""
        data = {
            "kind": self.kind(),
            "features": list(self.features),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "coef": [round(v, 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
            **{name: round(value, 6) for name, value in self._extra().items()},
        }
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Read a model written by :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            **cls._read_extra(data),
        )

    def _extra(self) -> dict[str, float]:
        """Fields a subclass adds, written after the weights."""
        return {}

    @classmethod
    def _read_extra(cls, data: dict[str, Any]) -> dict[str, float]:
        return {}
