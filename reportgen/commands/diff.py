"""Two versions of a note -> NoteDiff: which inputs changed, which printed figures moved, and why
the target moved. Nothing is rendered: no PDF, no chart image.

Inputs are compared leaf by leaf in the YAML as written (so each change has its
``file:line:col``); outputs are compared as the reader sees them: every table cell as
printed, each listing's target, rating and expected return, the fair value and each
part's value, every number a chart draws and the figures quoted in the prose.
"""

from __future__ import annotations

import difflib
import html
import math
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.compare.bridge import Bridge, build_bridge, leaves
from reportgen.exhibits.charts.build import build_chart_specs
from reportgen.exhibits.formatting import (
    cell_multiple,
    cell_num,
    cell_pct,
    fmt_money,
    make_filters,
    step_decimals,
)
from reportgen.exhibits.prose_values import build_prose_values
from reportgen.exhibits.table import Cell, Table, TableInputs
from reportgen.exhibits.tables import build_tables
from reportgen.inputs.prices import PRICES_FILE
from reportgen.inputs.schema import NarrativeFile
from reportgen.inputs.sourcemap import Loc
from reportgen.inputs.yamlsource import load_yaml
from reportgen.model.ratios import NotMeaningful
from reportgen.model.sensitivity import add_sensitivities
from reportgen.model.valuation import Valuation
from reportgen.note import HOUSE_FILE, NOTE_FILES, Assumptions, house_path_for, load_assumptions
from reportgen.record.gitrev import materialise, split_spec
from reportgen.render.html import Exhibits, make_prose
from reportgen.render.reviewhtml import chart_data, fmt_data

_TAG = re.compile(r"<[^>]+>")
#: Punctuation around a changed fragment of prose, left out when it is quoted.
_PUNCT = ",.;:"


@dataclass(frozen=True)
class InputChange:
    """One assumption that differs: where it is written now (or was, if removed), old -> new."""

    where: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class OutputChange:
    """One printed figure that moved. ``old``/``new`` are as printed; the numbers are raw."""

    exhibit: str
    item: str
    old: str
    new: str
    old_value: float | None = None
    new_value: float | None = None
    #: A percentage figure: its move is given in percentage points, not as a % of a %.
    points: bool = False

    @property
    def change(self) -> float | None:
        if self.old_value is None or self.new_value is None:
            return None
        return self.new_value - self.old_value

    @property
    def pct(self) -> float | None:
        if self.old_value is None or self.new_value is None or self.old_value == 0 or self.points:
            return None
        return self.new_value / self.old_value - 1.0


@dataclass(frozen=True)
class NoteDiff:
    """Everything that differs between two versions of one note."""

    old_label: str
    new_label: str
    inputs: tuple[InputChange, ...]
    outputs: tuple[OutputChange, ...]
    bridge: Bridge | None
    #: How the reporting currency is printed ('US$'), for the fair value's bridge.
    reporting: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.inputs or self.outputs)


# --------------------------------------------------------------------------- loading


@contextmanager
def note_folder(spec: str) -> Iterator[Path]:
    """A folder for ``spec``: a path as is, or ``REV:path`` checked out from git for the duration."""
    rev, path = split_spec(spec)
    if rev is None:
        yield Path(path)
        return
    with materialise(rev, Path(path)) as (folder, _):
        yield folder


def diff_specs(old_spec: str, new_spec: str) -> NoteDiff:
    """Compare two notes named as folders or ``REV:path``."""
    with ExitStack() as stack:
        old = stack.enter_context(note_folder(old_spec))
        new = stack.enter_context(note_folder(new_spec))
        return diff_notes(old, new, old_spec, new_spec)


def diff_notes(old: Path, new: Path, old_label: str, new_label: str) -> NoteDiff:
    """Load, run and value both versions, then compare inputs and outputs."""
    a_old, a_new = load_assumptions(old), load_assumptions(new)
    inputs = tuple(_input_changes(old, new, old_label.rstrip("/"), new_label.rstrip("/")))
    v_old = add_sensitivities(a_old.value, a_old.valuation, a_old.run, a_old.company, a_old.house)
    v_new = add_sensitivities(a_new.value, a_new.valuation, a_new.run, a_new.company, a_new.house)
    outputs = (
        *_valuation_changes(a_old, v_old, a_new, v_new),
        *_prose_changes(a_old, v_old, a_new, v_new),
        *_table_changes(a_old, v_old, a_new, v_new),
        *_chart_changes(a_old, v_old, a_new, v_new),
    )
    moved = any(o.exhibit == "Targets" for o in outputs) or v_old.fair_value != v_new.fair_value
    bridge = build_bridge(a_old, a_new) if moved else None
    reporting = a_new.company.company.reporting_symbol
    return NoteDiff(old_label, new_label, inputs, tuple(outputs), bridge, reporting)


# --------------------------------------------------------------------------- inputs


def _input_changes(old: Path, new: Path, old_label: str, new_label: str) -> Iterator[InputChange]:
    files = [(old / n, new / n, n) for n in NOTE_FILES]
    files.append((house_path_for(old), house_path_for(new), f"../{HOUSE_FILE}"))
    for p_old, p_new, name in files:
        # Read as the loader reads them: links are followed only among the assumptions.
        d_old, m_old = load_yaml(p_old, (old.parent, old))
        d_new, m_new = load_yaml(p_new, (new.parent, new))
        for path, a, b in leaves(d_old, d_new):
            smap, label = (m_new, new_label) if b is not None else (m_old, old_label)
            mark = smap.mark(path)
            where = f"{label}/{name}" + (f":{mark[0]}:{mark[1]}" if mark else "")
            yield InputChange(where, smap.dotted(path), a, b)
    yield from _prices_change(old / PRICES_FILE, new / PRICES_FILE, new_label)


def _prices_change(old: Path, new: Path, label: str) -> Iterator[InputChange]:
    """prices.csv: the first differing line and how many lines changed."""
    a = old.read_text(encoding="utf-8").splitlines() if old.is_file() else []
    b = new.read_text(encoding="utf-8").splitlines() if new.is_file() else []
    if a == b:
        return
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    blocks = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    first = blocks[0][3] + 1
    changed = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in blocks)
    yield InputChange(
        f"{label}/{PRICES_FILE}:{first}", "prices", f"{len(a)} lines", f"{len(b)} lines, {changed} changed"
    )


# --------------------------------------------------------------------------- outputs


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        return None
    return float(x)


def _valuation_changes(
    a_old: Assumptions, v_old: Valuation, a_new: Assumptions, v_new: Valuation
) -> Iterator[OutputChange]:
    reporting = a_new.company.company.reporting_symbol
    for key, t_new in v_new.targets.items():
        t_old = v_old.targets.get(key)
        lst = t_new.listing
        name = f"{lst.security} ({lst.ticker})"
        d = step_decimals(lst.rounding)
        if t_old is None:
            yield OutputChange(
                "Targets", name, "", fmt_money(t_new.fair_value, lst.symbol, d), None, t_new.fair_value
            )
            continue
        pairs = [
            (
                "Targets",
                f"{name} target",
                fmt_money(t_old.fair_value, t_old.listing.symbol, d),
                fmt_money(t_new.fair_value, lst.symbol, d),
                t_old.fair_value,
                t_new.fair_value,
            ),
            ("Ratings", f"{name} rating", t_old.rating, t_new.rating, None, None),
            (
                "Ratings",
                f"{name} expected total return",
                cell_pct(t_old.etr, 1),
                cell_pct(t_new.etr, 1),
                t_old.etr,
                t_new.etr,
            ),
            (
                "Ratings",
                f"{name} price",
                fmt_money(t_old.price, t_old.listing.symbol, 2),
                fmt_money(t_new.price, lst.symbol, 2),
                t_old.price,
                t_new.price,
            ),
        ]
        for exhibit, item, o, n, ov, nv in pairs:
            if o != n:
                yield OutputChange(exhibit, item, o, n, ov, nv, points=o.endswith("%"))
    headline = [
        (
            "Fair value per share",
            fmt_money(v_old.fair_value, reporting, 2),
            fmt_money(v_new.fair_value, reporting, 2),
            v_old.fair_value,
            v_new.fair_value,
        ),
        (
            "Equity value",
            cell_num(v_old.equity_value),
            cell_num(v_new.equity_value),
            v_old.equity_value,
            v_new.equity_value,
        ),
    ]
    old_parts = {p.key: p for p in v_old.parts}
    for p in v_new.parts:
        q = old_parts.get(p.key)
        if q is not None:
            headline.append(
                (
                    f"{p.name} value per share",
                    fmt_money(q.per_share, reporting, 2),
                    fmt_money(p.per_share, reporting, 2),
                    q.per_share,
                    p.per_share,
                )
            )
    for item, o, n, ov, nv in headline:
        if o != n:
            yield OutputChange("Valuation", item, o, n, ov, nv)


def _narrative_texts(n: NarrativeFile) -> Iterator[tuple[Loc, str]]:
    """Every text of narrative.yaml that prose may put figures in, with its location."""
    yield ("headline",), n.headline
    yield ("summary",), n.summary
    for i, b in enumerate(n.bullets):
        yield ("bullets", i, "text"), b.text
    for i, s in enumerate(n.sections):
        for j, text in enumerate(s.paragraphs):
            yield ("sections", i, "paragraphs", j), text
        for j, text in enumerate(s.key_points):
            yield ("sections", i, "key_points", j), text
    for i, r in enumerate(n.risks):
        yield ("risks", i, "text"), r.text


def _rendered_prose(a: Assumptions, v: Valuation) -> dict[str, str]:
    """Each narrative text as the reader sees it (tags stripped); figure numbers left out."""
    values = build_prose_values(a.run, v, a.company.company.reporting_currency, a.datasets)
    prose = make_prose(values, make_filters(a.company, a.run.timeline), Exhibits(), a.narrative_source)
    out: dict[str, str] = {}
    for loc, text in _narrative_texts(a.narrative):
        name = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc).lstrip(".")
        out[name] = html.unescape(_TAG.sub("", str(prose(text, loc))))
    return out


def _prose_changes(
    a_old: Assumptions, v_old: Valuation, a_new: Assumptions, v_new: Valuation
) -> Iterator[OutputChange]:
    """Figures quoted in the prose that moved: the changed words only, each old -> new."""
    old, new = _rendered_prose(a_old, v_old), _rendered_prose(a_new, v_new)
    for name in dict.fromkeys([*new, *old]):
        o, n = old.get(name, "").split(), new.get(name, "").split()
        if o == n:
            continue
        ops = difflib.SequenceMatcher(a=o, b=n, autojunk=False).get_opcodes()
        moved = [
            (_tidy(" ".join(o[i1:i2])), _tidy(" ".join(n[j1:j2])))
            for tag, i1, i2, j1, j2 in ops
            if tag != "equal"
        ]
        yield OutputChange("Prose", name, "; ".join(m[0] for m in moved), "; ".join(m[1] for m in moved))


def _tidy(fragment: str) -> str:
    """A changed fragment of prose without the punctuation around it or an unpaired bracket."""
    text = fragment.strip(_PUNCT)
    if text.startswith("(") and ")" not in text:
        text = text[1:]
    if text.endswith(")") and "(" not in text:
        text = text[:-1]
    return text.strip(_PUNCT)


def _printed(value: Cell, kind: str | None, decimals: int) -> str:
    if isinstance(value, str):
        return value
    if kind == "pct":
        return cell_pct(value, decimals)
    if kind == "multiple":
        return cell_multiple(value, decimals)
    return cell_num(value, decimals)


def _cells(table: Table) -> dict[tuple[str, str], tuple[str, float | None, bool]]:
    """(row, column) -> (as printed, raw number); repeated row labels are told apart by the row above."""
    out: dict[tuple[str, str], tuple[str, float | None, bool]] = {}
    anchor = ""
    labels = [r.label for r in table.rows]
    for row in table.rows:
        name = f"{anchor} / {row.label}" if labels.count(row.label) > 1 and anchor else row.label
        if labels.count(row.label) == 1:
            anchor = row.label
        for col, value in zip(table.columns, row.cells, strict=False):
            column = f"{col.group} {col.label}".strip()
            kind = col.kind or row.kind
            decimals = col.decimals if col.kind else row.decimals
            raw = None if isinstance(value, NotMeaningful | str) else _number(value)
            out[(name, column)] = (_printed(value, kind, decimals), raw, kind == "pct")
    return out


def _tables(a: Assumptions, v: Valuation) -> dict[str, Table]:
    # A bridge table compares with a previous version: here that is the bridge itself, shown apart
    # (with no bridge given, a bridge table builds to nothing).
    return build_tables(a.exhibits.tables, TableInputs(a.run, v, a.company, datasets=a.datasets), "")


def _table_changes(
    a_old: Assumptions, v_old: Valuation, a_new: Assumptions, v_new: Valuation
) -> Iterator[OutputChange]:
    old, new = _tables(a_old, v_old), _tables(a_new, v_new)
    for key in dict.fromkeys([*new, *old]):
        name = f"Table {key}"
        if key not in old or key not in new:
            yield OutputChange(
                name,
                "(whole table)",
                "absent" if key not in old else "present",
                "absent" if key not in new else "present",
            )
            continue
        c_old, c_new = _cells(old[key]), _cells(new[key])
        for cell in dict.fromkeys([*c_new, *c_old]):
            o, n = c_old.get(cell, ("", None, False)), c_new.get(cell, ("", None, False))
            if o[0] != n[0]:
                yield OutputChange(name, f"{cell[0]}, {cell[1]}", o[0], n[0], o[1], n[1], n[2] or o[2])


def _chart_values(a: Assumptions, v: Valuation) -> dict[str, dict[tuple[str, str], Any]]:
    specs = build_chart_specs(a.exhibits.charts, a.run, v, a.company, a.house, a.datasets)
    out: dict[str, dict[tuple[str, str], Any]] = {}
    for key, spec in specs.items():
        values: dict[tuple[str, str], Any] = {}
        for n, data in enumerate(chart_data(spec), start=1):
            for i, row in enumerate(data.rows):
                # Name a data point by its text fields (period, series, item), not its position.
                name = " ".join(
                    str(x)
                    for c, x in zip(data.columns, row, strict=True)
                    if isinstance(x, str) and c != "label"
                )
                for col, x in zip(data.columns, row, strict=True):
                    if not isinstance(x, str):
                        values[(f"{n}: {name or i + 1}", col)] = x
        out[key] = values
    return out


def _chart_changes(
    a_old: Assumptions, v_old: Valuation, a_new: Assumptions, v_new: Valuation
) -> Iterator[OutputChange]:
    old, new = _chart_values(a_old, v_old), _chart_values(a_new, v_new)
    for key in dict.fromkeys([*new, *old]):
        c_old, c_new = old.get(key, {}), new.get(key, {})
        for point in dict.fromkeys([*c_new, *c_old]):
            o, n = c_old.get(point), c_new.get(point)
            if fmt_data(o) != fmt_data(n):
                yield OutputChange(
                    f"Chart {key}", f"{point[0]} {point[1]}", fmt_data(o), fmt_data(n), _number(o), _number(n)
                )
