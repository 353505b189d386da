"""Old note + new note -> Bridge: each listing's target move split by driver (Shapley values).

A target is a non-linear function of its inputs (a multiple times a metric, divided by a
share count, converted at an FX rate), so "change one input at a time" gives a different
split for every order the inputs are changed in. The Shapley value averages each driver's
marginal effect over every order, which makes the split order-independent, symmetric and
exact: the drivers sum to the whole move. The cost is 2^n valuations for n drivers, so at
most ``MAX_DRIVERS`` are kept and the smallest are grouped as "Other inputs".

The value split is the target *before* rounding; rounding to the listing's step is its own
step, since it is not caused by any one input. Only ``build_valuation(v, run, company,
house)`` and generic traversal of the pydantic files are used, so a new valuation method
works here unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from reportgen.errors import ModelError
from reportgen.inputs.schema import CompanyFile, Listing, ValuationFile
from reportgen.model.engine import ModelRun
from reportgen.model.line import Line
from reportgen.model.valuation import build_valuation, valuation_lines
from reportgen.note import Assumptions

#: At most this many drivers (2^8 = 256 valuations); the smallest beyond are grouped.
MAX_DRIVERS = 8
#: Rounding step that makes a target its unrounded value (far below any printed digit).
UNROUNDED = 1e-9
OTHER = "Other inputs"
ROUNDING = "Rounding to the target step"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Change:
    """One input that differs: a leaf of valuation.yaml or company.yaml, or a model line."""

    source: str  # "valuation", "company" or "line"
    path: Path
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Step:
    """A driver's share of the move (in the listing's currency per unit)."""

    label: str
    amount: float


@dataclass(frozen=True)
class ListingBridge:
    """Previous target -> steps -> new target for one listing."""

    listing: Listing | None  # None for the fair value per share in the reporting currency
    old_target: float
    new_target: float
    steps: tuple[Step, ...]

    @property
    def moved(self) -> bool:
        return self.old_target != self.new_target


@dataclass(frozen=True)
class Bridge:
    """The drivers (each one or more changes) and each listing's split of its target move."""

    drivers: tuple[tuple[str, tuple[Change, ...]], ...]
    listings: tuple[ListingBridge, ...]
    #: Fair value per share in the reporting currency, old and new, split the same way.
    fair_value: ListingBridge | None = None

    @property
    def moved(self) -> bool:
        return any(lb.moved for lb in self.listings)


# --------------------------------------------------------------------------- leaves


def leaves(old: Any, new: Any, path: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """Every leaf that differs between two dumped pydantic models, by path.

    Lists of items with the same keys in the same order are compared item by item (the
    path holds the index); a list whose items were added, removed or reordered is one leaf.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(
            set(old) | set(new), key=lambda x: (list(old).index(x) if x in old else len(old), str(x))
        ):
            if k not in old or k not in new:
                yield (*path, k), old.get(k), new.get(k)
            else:
                yield from leaves(old[k], new[k], (*path, k))
    elif isinstance(old, list) and isinstance(new, list) and _same_items(old, new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from leaves(a, b, (*path, i))
    elif old != new:
        yield path, old, new


def _same_items(old: list[Any], new: list[Any]) -> bool:
    if len(old) != len(new):
        return False
    return all(_item_key(a) == _item_key(b) for a, b in zip(old, new, strict=True))


def _item_key(item: Any) -> Any:
    return item.get("key") if isinstance(item, dict) else None


def describe(data: Any, path: Path) -> str:
    """A path as a reader names it: list items by their name, label or key, underscores as spaces.

    Only the innermost named item is kept: a part's name says more than its method's label.
    """
    words: list[str] = []
    named = -1
    node = data
    for seg in path:
        if isinstance(seg, int) and isinstance(node, list) and seg < len(node):
            node = node[seg]
            name = (
                str(node.get("name") or node.get("label") or node.get("key") or seg)
                if isinstance(node, dict)
                else str(seg)
            )
            if named >= 0:
                del words[named:]
            named = len(words)
            words.append(name)
            continue
        node = node.get(seg) if isinstance(node, dict) else None
        if not (isinstance(node, list) and node and isinstance(node[0], dict)):  # 'parts' names no one
            words.append(str(seg).replace("_", " "))
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _set(data: Any, path: Path, value: Any) -> None:
    for seg in path[:-1]:
        data = data[seg]
    if value is None and isinstance(data, dict):
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value


def _changed(old: Line, new: Line) -> bool:
    return (
        str(old.unit) != str(new.unit)
        or old.timeline.periods != new.timeline.periods
        or any(
            not (a == b or (math.isnan(a) and math.isnan(b)))
            for a, b in zip(old.values, new.values, strict=True)
        )
    )


# --------------------------------------------------------------------------- hybrids


class _Lines(Mapping[str, Line]):
    """The new run's lines for the chosen keys, the old run's for the rest."""

    def __init__(self, old: Mapping[str, Line], new: Mapping[str, Line], take_new: frozenset[str]) -> None:
        self._old, self._new, self._take = old, new, take_new

    def __getitem__(self, key: str) -> Line:
        if key in self._take or key not in self._old:
            return self._new[key]
        return self._old[key]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._old, *self._new]))

    def __len__(self) -> int:
        return len(set(self._old) | set(self._new))


class _RunView:
    """Quacks like a ModelRun for the valuation: base-case lines mixed from two runs."""

    def __init__(self, old: ModelRun, new: ModelRun, take_new: frozenset[str]) -> None:
        self.lines = _Lines(old.lines, new.lines, take_new)
        self.timelines = new.timelines
        self.cases = new.cases
        self.children = new.children

    @property
    def timeline(self) -> Any:
        return next(iter(self.timelines.values()))

    def line(self, key: str, case: str | None = None) -> Line:
        return self.lines[key]


class _Evaluator:
    """Values the note with any subset of the changes applied to the old inputs."""

    def __init__(self, old: Assumptions, new: Assumptions) -> None:
        self.old, self.new = old, new
        self.old_v = old.valuation.model_dump()
        self.old_c = old.company.model_dump()
        self.keys = [li.key for li in new.company.listings if li.key in {o.key for o in old.company.listings}]
        self.cache: dict[frozenset[int], tuple[float, ...]] = {}

    def value(self, changes: Sequence[Change]) -> tuple[float, ...]:
        """(fair value per share, unrounded target of each common listing)."""
        v_data, c_data = _copy(self.old_v), _copy(self.old_c)
        take: set[str] = set()
        for ch in changes:
            if ch.source == "valuation":
                _set(v_data, ch.path, _copy(ch.new))
            elif ch.source == "company":
                _set(c_data, ch.path, _copy(ch.new))
            else:
                take.add(str(ch.path[0]))
        for listing in c_data["listings"]:
            listing["rounding"] = UNROUNDED
        v = ValuationFile.model_validate(v_data, strict=False)
        company = CompanyFile.model_validate(c_data, strict=False)
        run = cast(ModelRun, _RunView(self.old.run, self.new.run, frozenset(take)))
        val = build_valuation(v, run, company, self.new.house)
        return (
            val.fair_value,
            *(val.targets[k].fair_value if k in val.targets else math.nan for k in self.keys),
        )


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


# --------------------------------------------------------------------------- Shapley


def shapley(n: int, value: Any) -> list[tuple[float, ...]]:
    """Shapley value of each of ``n`` players for a vector-valued ``value(frozenset) -> tuple``.

    phi_i = sum over coalitions S without i of |S|! (n-|S|-1)! / n! * (v(S + i) - v(S)).
    """
    memo: dict[frozenset[int], tuple[float, ...]] = {}

    def v(s: frozenset[int]) -> tuple[float, ...]:
        if s not in memo:
            memo[s] = tuple(value(s))
        return memo[s]

    width = len(v(frozenset()))
    out: list[tuple[float, ...]] = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        terms: list[list[float]] = [[] for _ in range(width)]
        for mask in range(1 << len(others)):
            s = frozenset(others[b] for b in range(len(others)) if mask >> b & 1)
            weight = math.factorial(len(s)) * math.factorial(n - len(s) - 1) / math.factorial(n)
            with_i, without = v(s | {i}), v(s)
            for k in range(width):
                terms[k].append(weight * (with_i[k] - without[k]))
        out.append(tuple(math.fsum(t) for t in terms))
    return out


# --------------------------------------------------------------------------- the bridge


def candidate_changes(old: Assumptions, new: Assumptions) -> list[Change]:
    """Every input that could move the target: valuation and company leaves, and the lines read."""
    out: list[Change] = []
    ov, nv = old.valuation.model_dump(), new.valuation.model_dump()
    for path, a, b in leaves(ov, nv):
        out.append(Change("valuation", path, describe(nv if b is not None else ov, path), a, b))
    oc, nc = old.company.model_dump(), new.company.model_dump()
    for path, a, b in leaves(oc, nc):
        if path and path[0] in ("listings", "fx"):
            label = describe(nc if b is not None else oc, path)
            out.append(Change("company", path, label.replace("Fx ", "FX rate, "), a, b))
    year = new.valuation.year
    for key in sorted(valuation_lines(old.valuation) | valuation_lines(new.valuation)):
        if key in old.run.lines and key in new.run.lines and _changed(old.run.lines[key], new.run.lines[key]):
            line_o, line_n = old.run.lines[key], new.run.lines[key]
            try:
                period = line_n.timeline.normalise(year)
                label = f"{line_n.label}, {line_n.timeline.label(period)}"
                a_val, b_val = line_o.value(period), line_n.value(period)
            except Exception:  # a year off this line's timeline: name the line only
                label, a_val, b_val = line_n.label, None, None
            out.append(Change("line", (key,), label, a_val, b_val))
    return out


def _largest(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The largest move between two value vectors, relative to the first's size."""
    return max(
        (abs(x - y) / (abs(y) or 1.0) for x, y in zip(a, b, strict=True) if not math.isnan(x - y)),
        default=0.0,
    )


def build_bridge(old: Assumptions, new: Assumptions) -> Bridge | None:
    """Split each common listing's target move (and the fair value's) by driver.

    Changes with no effect on their own and none when left out (a price, a name, a note)
    are dropped before the Shapley sum. Returns None when no valuation can be made from a
    mix of old and new inputs (e.g. a part valued on a line the old model lacks).
    """
    ev = _Evaluator(old, new)
    changes = candidate_changes(old, new)
    try:
        base = ev.value([])
        full = ev.value(changes)
        effects: list[tuple[float, Change]] = []
        for ch in changes:
            solo = _largest(ev.value([ch]), base)
            left_out = _largest(full, ev.value([c for c in changes if c is not ch]))
            if solo != 0 or left_out != 0:
                effects.append((max(solo, left_out), ch))
    except (ModelError, ValueError, KeyError):
        return None
    effects.sort(key=lambda e: -e[0])
    drivers: list[tuple[str, tuple[Change, ...]]] = [
        (ch.label, (ch,)) for _, ch in effects[: MAX_DRIVERS - 1]
    ]
    rest = tuple(ch for _, ch in effects[MAX_DRIVERS - 1 :])
    if len(rest) == 1:
        drivers.append((rest[0].label, rest))
    elif rest:
        drivers.append((f"{OTHER} ({len(rest)})", rest))

    def value(s: frozenset[int]) -> tuple[float, ...]:
        return ev.value([ch for i in sorted(s) for ch in drivers[i][1]])

    try:
        phis = shapley(len(drivers), value) if drivers else []
    except (ModelError, ValueError, KeyError):
        return None
    old_val, new_val = old.value, new.value
    order = sorted(
        range(len(drivers)),
        key=lambda i: (-abs(phis[i][1] if len(phis[i]) > 1 else phis[i][0]), drivers[i][0]),
    )
    listings: list[ListingBridge] = []
    for k, key in enumerate(ev.keys, start=1):
        o, n = old_val.targets[key].fair_value, new_val.targets[key].fair_value
        steps = [Step(drivers[i][0], phis[i][k]) for i in order]
        rounding = (n - o) - math.fsum(s.amount for s in steps)
        steps.append(Step(ROUNDING, rounding))
        listings.append(ListingBridge(new_val.targets[key].listing, o, n, tuple(steps)))
    fair = ListingBridge(
        None,
        old_val.fair_value,
        new_val.fair_value,
        tuple(Step(drivers[i][0], phis[i][0]) for i in order),
    )
    return Bridge(tuple(drivers[i] for i in order), tuple(listings), fair)
