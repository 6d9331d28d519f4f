"""The tile-free map of France: the hand-drawn outline of ``static/france.json`` projected to
SVG points (an equirectangular projection corrected at the latitude of the middle of France).
The territory pages place a dot on it; the query page's map view draws on the same outline."""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from ctair.api.html import STATIC_DIR

MIDDLE_LATITUDE = 46.5


@cache
def _outline() -> dict[str, Any]:
    return json.loads((STATIC_DIR / "france.json").read_text(encoding="utf-8"))


def _box() -> tuple[float, float, float, float]:
    box = _outline()["box"]
    return box["lon_min"], box["lon_max"], box["lat_min"], box["lat_max"]


def _scale() -> float:
    lon_min, lon_max, _, _ = _box()
    return _outline()["width"] / ((lon_max - lon_min) * math.cos(math.radians(MIDDLE_LATITUDE)))


def project(lon: float, lat: float) -> tuple[float, float]:
    lon_min, _, _, lat_max = _box()
    x = (lon - lon_min) * math.cos(math.radians(MIDDLE_LATITUDE)) * _scale()
    y = (lat_max - lat) * _scale()
    return round(x, 1), round(y, 1)


def _points(ring: str) -> str:
    return " ".join(f"{x},{y}" for x, y in (project(*p) for p in _outline()["rings"][ring]))


@cache
def outline() -> dict[str, Any]:
    """The outline as SVG ``points`` with its size, and what a script needs to project itself."""
    lon_min, _, lat_min, _ = _box()
    return {
        "width": _outline()["width"],
        "height": project(lon_min, lat_min)[1],
        "box": list(_box()),
        "cos": math.cos(math.radians(MIDDLE_LATITUDE)),
        "scale": _scale(),
        "france": _points("france"),
        "corsica": _points("corsica"),
    }


def map_of(lat: float, lon: float) -> dict[str, Any]:
    """The outline with a place at (``lat``, ``lon``), for a territory page."""
    drawn = outline()
    x, y = project(lon, lat)
    return {
        "width": drawn["width"],
        "height": drawn["height"],
        "france": drawn["france"],
        "corsica": drawn["corsica"],
        "x": x,
        "y": y,
        "lat": lat,
        "long": lon,
    }
