"""Exhibits over datasets and images, checked before anything is drawn: names, column types, files.

A chart kind given a column of the wrong type, a table naming a missing column or an image without
a safe file is an error at exhibits.yaml's ``file:line:col``, like every other exhibit mistake;
none reaches the PDF.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from difflib import get_close_matches
from pathlib import Path, PurePosixPath

from reportgen.errors import AssumptionsError
from reportgen.exhibits.images import IMAGE_TYPES, Picture, read_picture
from reportgen.inputs.datasets import Dataset, date_label
from reportgen.inputs.schema import ChartSpec, ImageSpec, TableSpec
from reportgen.inputs.sourcemap import Loc

#: Table kinds that show a dataset, and chart kinds that draw one: (x column types, y column types).
DATASET_TABLES = ("text", "comparison")
DATASET_CHARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "category_bars": (("category", "text", "period", "quarter", "month"), ("number", "percent", "rank")),
    "dated_series": (("date", "week", "month", "quarter"), ("number", "percent")),
    "donut": (("category", "text"), ("percent", "number")),
    "scatter": (("number", "percent"), ("number", "percent")),
}


def _dataset(datasets: Mapping[str, Dataset], key: str | None, loc: Loc) -> tuple[Dataset | None, list]:
    if key is None:
        return None, [((*loc, "dataset"), "this kind shows a dataset: name one of datasets.yaml")]
    if key not in datasets:
        hint = get_close_matches(key, list(datasets), n=1)
        have = (
            f"; did you mean '{hint[0]}'?"
            if hint
            else f" (datasets.yaml has {', '.join(datasets) or 'none'})"
        )
        return None, [((*loc, "dataset"), f"no dataset '{key}'{have}")]
    return datasets[key], []


def _column(
    ds: Dataset, name: str, loc: Loc, types: tuple[str, ...] | None = None
) -> Iterator[tuple[Loc, str]]:
    known = [c.key for c in ds.columns]
    if name not in known:
        hint = get_close_matches(name, known, n=1)
        yield (
            loc,
            f"dataset '{ds.key}' has no column '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else ""),
        )
    elif types is not None and ds.column(name).type not in types:
        yield loc, f"'{name}' is a {ds.column(name).type} column; this needs {' or '.join(types)}"


def check_dataset_table(
    table: TableSpec, datasets: Mapping[str, Dataset], loc: Loc
) -> Iterator[tuple[Loc, str]]:
    """A text or comparison table: its dataset, its columns, its highlighted rows and best-value columns."""
    ds, problems = _dataset(datasets, table.dataset, loc)
    yield from problems
    if ds is None:
        return
    for i, name in enumerate(table.columns):
        yield from _column(ds, name, (*loc, "columns", i))
    shown = table.columns or [c.key for c in ds.columns]
    if table.widths and len(table.widths) != len(shown):
        yield (*loc, "widths"), f"{len(table.widths)} widths for {len(shown)} columns"
    names = (
        {str(v) for v in ds.values(shown[0])} if shown and shown[0] in [c.key for c in ds.columns] else set()
    )
    for i, row in enumerate(table.highlight):
        if row not in names:
            yield (*loc, "highlight", i), f"no row '{row}' in the first column shown ({shown[0]})"
    if table.best and table.kind != "comparison":
        yield (*loc, "best"), "best values are marked in comparison tables only"
    for name in table.best:
        yield from _column(ds, name, (*loc, "best", name), ("number", "percent", "rank"))
        if name not in shown[1:]:
            yield (*loc, "best", name), f"'{name}' is not a shown value column"


def check_dataset_chart(
    chart: ChartSpec, datasets: Mapping[str, Dataset], loc: Loc
) -> Iterator[tuple[Loc, str]]:
    """A dataset chart kind: its dataset, an x column and value columns of the types the kind draws."""
    if chart.kind not in DATASET_CHARTS:
        if chart.dataset is not None:
            yield (
                (*loc, "dataset"),
                (
                    f"a {chart.kind} chart draws model lines; datasets are drawn by "
                    + ", ".join(sorted(DATASET_CHARTS))
                ),
            )
        return
    ds, problems = _dataset(datasets, chart.dataset, loc)
    yield from problems
    if ds is None:
        return
    x_types, y_types = DATASET_CHARTS[chart.kind]
    if chart.x is None:
        yield (*loc, "x"), f"a {chart.kind} chart needs x: a {' or '.join(x_types)} column"
    else:
        yield from _column(ds, chart.x, (*loc, "x"), x_types)
    if not chart.y:
        yield (*loc, "y"), f"a {chart.kind} chart needs y: one or more {' or '.join(y_types)} columns"
    for i, name in enumerate(chart.y):
        yield from _column(ds, name, (*loc, "y", i), y_types)
    if chart.series is not None:
        yield from _column(ds, chart.series, (*loc, "series"), ("category", "text"))
        if len(chart.y) > 1:
            yield (*loc, "series"), "with a series column, give one y column (the values)"
    if chart.label is not None:
        yield from _column(ds, chart.label, (*loc, "label"), ("category", "text"))
    if chart.kind == "dated_series" and chart.x in [c.key for c in ds.columns]:
        yield from _in_date_order(ds, chart, (*loc, "x"))
    if chart.kind == "donut" and len(chart.y) > 1:
        yield (*loc, "y"), "a donut shows one column of shares"
    if chart.kind == "donut" and len(chart.y) == 1 and chart.y[0] in [c.key for c in ds.columns]:
        yield from _shares_fit(ds, chart, loc)
    if chart.kind == "scatter" and len(chart.y) != 1:
        yield (*loc, "y"), "a scatter plots one y column against x"
    if chart.lines:
        yield (*loc, "lines"), "a dataset chart draws columns (y), not model lines"


def _in_date_order(ds: Dataset, chart: ChartSpec, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """A series is drawn in the order of its dates: each series' dates must run forwards.

    Named at the chart's ``x`` and at the dataset's cell that breaks the order.
    """
    x = ds.index(str(chart.x))
    s = ds.index(chart.series) if chart.series else None
    last: dict[object, object] = {}
    for r, row in enumerate(ds.rows):
        key = row[s] if s is not None else None
        value, before = row[x], last.get(key)
        later = before is not None and value is not None and type(value) is type(before)
        if later and value < before:  # type: ignore[operator]
            place = ds.places[r][x].split(": ")[0] if ds.places else f"row {r + 1}"
            yield (
                loc,
                (
                    f"a dated series needs its rows in date order; at {place} "
                    f"{date_label(value, ds.column(str(chart.x)).type)} comes after a later date"
                ),
            )
            return
        last[key] = value


#: Stated shares may sum past 100% by at least this much, or by their summed rounding if more.
SHARE_ROUNDING = 0.005


def _shares_fit(ds: Dataset, chart: ChartSpec, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """A donut's shares are parts of one whole: they cannot add up to more than 100%."""
    name = chart.y[0]
    if ds.column(name).type != "percent":
        if chart.others:
            yield (*loc, "others"), f"'{name}' holds numbers, not shares: the remainder to 100% is unknown"
        return
    shares = [(r, v) for r, v in enumerate(ds.values(name)) if isinstance(v, float)]
    total = sum(v for _, v in shares)
    # Each share typed to d decimals may be off by half a unit of its last digit, and those add up.
    slack = sum(0.5 * 10.0 ** -ds.decimals_at(r, name) for r, _ in shares) / 100
    if total > 1 + max(slack, SHARE_ROUNDING):
        yield (
            (*loc, "y", 0),
            (
                f"the shares in '{name}' add up to {total:.1%}, more than 100% beyond rounding; "
                "check the source's figures"
            ),
        )


def check_image(
    image: ImageSpec, folder: Path, loc: Loc, pictures: dict[str, Picture] | None = None
) -> Iterator[tuple[Loc, str]]:
    """The picture is a PNG, JPEG or safe SVG inside the note folder, within the size limits.

    A picture that passes is kept in ``pictures`` under its exhibit key: it is read once.
    """
    path = PurePosixPath(image.file)
    if path.is_absolute() or ".." in path.parts or "\\" in image.file:
        yield (*loc, "file"), "give a path inside the note folder, e.g. images/stack.svg"
        return
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None:
        yield (*loc, "file"), "images are PNG, JPEG or SVG files"
        return
    try:
        picture = read_picture(folder / image.file, folder, kind)
    except AssumptionsError as exc:
        for problem in exc.problems:
            yield (*loc, "file"), problem
        return
    if pictures is not None:
        pictures[loc[-1] if isinstance(loc[-1], str) else str(loc[-1])] = picture
