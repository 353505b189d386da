"""The house palette stays distinguishable: every pair of series colours, for normal vision and as
seen with protanopia, deuteranopia and tritanopia, is at least MIN_DE apart in CIEDE2000.

CIEDE2000 is implemented here from Sharma, Wu and Dalal (2005) and checked against their published
test pairs; colour-vision deficiency is simulated with the Machado, Oliveira and Fernandes (2009)
matrices at full severity, applied to linear RGB.
"""

from __future__ import annotations

import itertools
import math

import pytest

from reportgen.exhibits.charts.marks import bar_colours
from reportgen.exhibits.charts.theme import palette
from tests.helpers import house_of_the_repo

#: A difference a reader sees at a glance between two filled areas.
MIN_DE = 9.0
MACHADO = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _linear(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _encoded(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 255 * (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055)


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(float(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5))  # type: ignore[return-value]


def lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """sRGB (0-255) -> CIELAB under D65."""
    r, g, b = (_linear(v) for v in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def de2000(one: tuple[float, float, float], two: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = one, two
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    rc = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    rt = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2)))) * rc
    sl = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    sc, sh = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    dl, dc, dhh = (l2 - l1) / sl, (c2p - c1p) / sc, d_big_h / sh
    return math.sqrt(dl**2 + dc**2 + dhh**2 + rt * dc * dhh)


def seen_with(kind: str, rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    lin = [_linear(v) for v in rgb]
    m = MACHADO[kind]
    return tuple(_encoded(sum(m[i][j] * lin[j] for j in range(3))) for i in range(3))  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("one", "two", "expected"),
    [  # Sharma, Wu and Dalal (2005), Table 1: pairs 1, 7, 17 and 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_the_colour_difference_matches_the_published_pairs(one: tuple, two: tuple, expected: float) -> None:
    assert de2000(one, two) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("vision", ["normal", *MACHADO])
def test_every_pair_of_house_series_colours_stays_apart(vision: str) -> None:
    colours = palette(house_of_the_repo())
    assert (
        len(bar_colours(house_of_the_repo(), 99)[:8]) == 8
        and len(set(bar_colours(house_of_the_repo(), 8))) == 8
    )
    seen = [_rgb(c) if vision == "normal" else seen_with(vision, _rgb(c)) for c in colours]
    close = [
        f"{colours[i]} and {colours[j]}: {de2000(lab(seen[i]), lab(seen[j])):.1f}"
        for i, j in itertools.combinations(range(len(colours)), 2)
        if de2000(lab(seen[i]), lab(seen[j])) < MIN_DE
    ]
    assert close == []


def test_the_check_fails_on_a_palette_with_near_twins() -> None:
    navy, near = lab(_rgb("#0B3C5D")), lab(_rgb("#0E405F"))
    assert de2000(navy, near) < MIN_DE
    # Red and green that normal vision separates, deuteranopia does not.
    red, green = _rgb("#C0392B"), _rgb("#6A8A2A")
    assert de2000(lab(red), lab(green)) > MIN_DE
    assert de2000(lab(seen_with("deuteranopia", red)), lab(seen_with("deuteranopia", green))) < MIN_DE
