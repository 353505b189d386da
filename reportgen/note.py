"""Load a note's assumption files into one validated, frozen Assumptions object.

A note is a folder under ``assumptions/`` holding company.yaml, model.yaml,
valuation.yaml, exhibits.yaml and narrative.yaml (and optionally prices.csv); the
house profile is ``assumptions/house.yaml``. Every file is checked in full and all problems of all
files are reported together, each as ``file:line:col: field: message``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from reportgen.errors import AssumptionsError, ModelError
from reportgen.exhibits.checks import exhibits_checker, narrative_checker, oversized
from reportgen.exhibits.images import Picture
from reportgen.inputs.checks import check_company, check_house, logo_checker, logo_path
from reportgen.inputs.datasets import Dataset, load_datasets
from reportgen.inputs.explain import validate
from reportgen.inputs.prices import PRICES_FILE, PriceHistory, load_prices
from reportgen.inputs.schema import (
    CompanyFile,
    DatasetsFile,
    ExhibitsFile,
    House,
    ModelFile,
    NarrativeFile,
    ValuationFile,
)
from reportgen.inputs.sourcemap import SourceMap, format_problem
from reportgen.inputs.yamlsource import load_yaml
from reportgen.model.checks import model_checker, valuation_checker
from reportgen.model.engine import CompiledModel, ModelRun, OverflowModelError, run_model
from reportgen.model.valuation import Valuation

HOUSE_FILE = "house.yaml"
#: Optional: the note's evidence (market sizes, shares, leaderboards), beside its model.
DATASETS_FILE = "datasets.yaml"
NOTE_FILES = ("company.yaml", "model.yaml", "valuation.yaml", "exhibits.yaml", "narrative.yaml")

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assumptions:
    """Everything one note needs, validated, with its model already run. ``slug`` names the output."""

    slug: str
    folder: Path
    house: House
    company: CompanyFile
    model: ModelFile
    valuation: ValuationFile
    exhibits: ExhibitsFile
    narrative: NarrativeFile
    compiled: CompiledModel = field(compare=False, repr=False)
    run: ModelRun = field(compare=False, repr=False)
    #: The note valued once, as loading checked it (targets, methods; no sensitivities yet).
    value: Valuation = field(compare=False, repr=False)
    prices: PriceHistory | None = None
    logo: Path | None = None
    narrative_source: SourceMap | None = field(default=None, compare=False, repr=False)
    #: datasets.yaml's evidence, typed and checked, by key (empty when the note has none).
    datasets: Mapping[str, Dataset] = field(default_factory=dict, compare=False, repr=False)
    #: exhibits.yaml's pictures, read and checked, by exhibit key.
    pictures: Mapping[str, Picture] = field(default_factory=dict, compare=False, repr=False)
    #: Problems that do not stop the build (a terminal value above its declared share of EV),
    #: as ``file:line:col: field: message``; the CLI prints them.
    warnings: tuple[str, ...] = ()


def find_notes(root: Path) -> list[Path]:
    """Note folders under ``root`` (or ``root`` itself), sorted for a stable build order."""
    if (root / "company.yaml").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "company.yaml").is_file())


def house_path_for(note_folder: Path) -> Path:
    """The house profile beside the note folders (assumptions/house.yaml)."""
    return note_folder.parent / HOUSE_FILE


def load_assumptions(folder: Path, house_file: Path | None = None) -> Assumptions:
    """Read and validate every file of one note, compile and run its model, then check the
    exhibits and narrative against the numbers; raise one AssumptionsError for all problems."""
    problems: list[str] = []
    sources: dict[str, SourceMap] = {}
    house_file = house_file or house_path_for(folder)
    # Files may be links, but only to files among the assumptions: never to anything outside them.
    note_roots = (folder.parent, folder)
    house_roots = (house_file.parent,)

    def load(path: Path, model: type[M], checks: Iterable[Any] = ()) -> M | None:
        roots = house_roots if path == house_file else note_roots
        try:
            data, smap = load_yaml(path, roots)
            sources[path.name] = smap
            return validate(model, data, smap, checks=list(checks))  # type: ignore[return-value]
        except AssumptionsError as exc:
            problems.extend(exc.problems)
            return None

    house = load(house_file, House, [check_house, logo_checker(house_file.parent)])
    logo = logo_path(house_file.parent, house, problems) if house else None
    company = load(folder / "company.yaml", CompanyFile, [check_company])
    compiled: list[CompiledModel] = []
    model_checks = [model_checker(company, compiled)] if company else []
    model = load(folder / "model.yaml", ModelFile, model_checks)
    run = None
    if compiled:
        try:
            run = run_model(compiled[0])
        except OverflowModelError as exc:
            problems.append(format_problem(sources["model.yaml"], exc.loc, exc.detail))
        except ModelError as exc:
            problems.append(exc.format_message())
        if run is not None:
            problems.extend(oversized(run, sources["model.yaml"]))
    valued: list[Valuation] = []
    valuation = load(
        folder / "valuation.yaml",
        ValuationFile,
        [valuation_checker(run, company, house, valued)] if run else [],
    )
    warnings = valued[0].warnings if valued else ()
    warned = tuple(format_problem(sources["valuation.yaml"], loc, message) for loc, message in warnings)
    for text in warned:
        log.info("%s", text)
    datasets: dict[str, Dataset] = {}
    pictures: dict[str, Picture] = {}
    datasets_ok = True
    if os.path.lexists(folder / DATASETS_FILE):
        declared = load(folder / DATASETS_FILE, DatasetsFile)
        datasets_ok = declared is not None
        if declared is not None:
            try:
                datasets = load_datasets(folder, declared, sources[DATASETS_FILE])
            except AssumptionsError as exc:
                problems.extend(exc.problems)
                datasets_ok = False
    exhibits = load(
        folder / "exhibits.yaml",
        ExhibitsFile,
        [exhibits_checker(run, valuation, datasets if datasets_ok else None, folder, pictures)]
        if run
        else [],
    )
    narrative = load(folder / "narrative.yaml", NarrativeFile, [narrative_checker(exhibits)])
    prices = None
    if company is not None and os.path.lexists(folder / PRICES_FILE):
        try:
            prices = load_prices(folder / PRICES_FILE, company, note_roots)
        except AssumptionsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AssumptionsError(problems)
    assert house and company and model and valuation and exhibits and narrative and run and compiled
    assert valued  # checked above: a valuation that cannot be valued is a problem
    return Assumptions(
        slug=folder.name,
        folder=folder,
        house=house,
        company=company,
        model=model,
        valuation=valuation,
        exhibits=exhibits,
        narrative=narrative,
        compiled=compiled[0],
        run=run,
        value=valued[0],
        prices=prices,
        logo=logo,
        narrative_source=sources["narrative.yaml"],
        datasets=datasets,
        pictures=pictures,
        warnings=warned,
    )
