"""JSON Schemas for editors, the starter note (`reportgen new`) and the reference page."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

import reportgen.inputs.schema
import reportgen.model.checks
import reportgen.note
from reportgen.commands.authoring import (
    SCHEMAS,
    ScaffoldError,
    json_schema,
    new,
    scaffold_note,
    schema,
    write_json_schemas,
)
from reportgen.inputs.schema import CompanyFile, ExhibitsFile, ModelFile, NarrativeFile, ValuationFile
from reportgen.model.expr import FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assumptions" / "alibaba-cloud"
HOUSE = ROOT / "assumptions" / "house.yaml"
REFERENCE = ROOT / "docs" / "reference.md"
NOTE_FILES = ["company.yaml", "model.yaml", "valuation.yaml", "exhibits.yaml", "narrative.yaml"]
DAY = dt.date(2026, 5, 11)


def as_json(value: Any) -> Any:
    """YAML data as a JSON validator sees it: mapping keys are strings (YAML's 2027 -> "2027")
    and dates are ISO text (yaml-language-server reads YAML 1.2, where 2026-05-11 is a string)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema(name))


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture()
def note(tmp_path: Path) -> Path:
    folder = tmp_path / "example"
    scaffold_note(folder, date=DAY)
    return folder


# --------------------------------------------------------------------------- JSON Schemas


def test_schemas_are_written_and_parse(tmp_path: Path) -> None:
    paths = write_json_schemas(tmp_path / "schemas")
    assert sorted(p.name for p in paths) == sorted(f"{n}.schema.json" for n in SCHEMAS)
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(data)
        assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert data["title"].startswith(path.name.removesuffix(".schema.json") + ".yaml")
        assert data["additionalProperties"] is False
    model = json.loads((tmp_path / "schemas" / "model.schema.json").read_text(encoding="utf-8"))
    unit = model["$defs"]["LineSpec"]["properties"]["unit"]
    assert "CNY bn" in unit["description"]  # field descriptions reach the editor


def test_schemas_are_deterministic(tmp_path: Path) -> None:
    first = write_json_schemas(tmp_path / "a")
    second = write_json_schemas(tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        text = a.read_bytes()
        assert text == b.read_bytes()
        assert text.endswith(b"}\n")
        assert (
            text.decode() == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )


@pytest.mark.parametrize(
    ("name", "path", "loc"),
    [
        ("model", EXAMPLE / "model.yaml", ("colour",)),
        ("model", EXAMPLE / "model.yaml", ("lines", "revenue", "colour")),
        ("company", EXAMPLE / "company.yaml", ("company", "colour")),
        ("exhibits", EXAMPLE / "exhibits.yaml", ("charts", "cloud-revenue", "colour")),
        ("narrative", EXAMPLE / "narrative.yaml", ("sections", 0, "colour")),
    ],
)
def test_schema_rejects_an_unknown_key(name: str, path: Path, loc: tuple[str | int, ...]) -> None:
    data = as_json(load(path))
    node = data
    for seg in loc[:-1]:
        node = node[seg]
    node[loc[-1]] = "blue"
    errors = list(validator(name).iter_errors(data))
    assert errors
    assert any("colour" in e.message for e in errors)


@pytest.mark.parametrize("file_name", [*NOTE_FILES, "house.yaml"])
def test_schema_accepts_the_shipped_example(file_name: str) -> None:
    path = HOUSE if file_name == "house.yaml" else EXAMPLE / file_name
    errors = [e.message for e in validator(file_name.removesuffix(".yaml")).iter_errors(as_json(load(path)))]
    assert errors == []


def test_period_keys_need_no_special_schema() -> None:
    """Period maps carry no propertyNames: YAML int keys become JSON strings and still pass."""
    text = json.dumps(json_schema("model"))
    assert "propertyNames" not in text

    def model(values: dict[str, Any]) -> dict[str, Any]:
        line = {"label": "X", "unit": "%", "values": values}
        return {"timelines": {"fy": {"first": 2024, "last": 2026}}, "lines": {"x": line}}

    assert list(validator("model").iter_errors(model({"2025": 0.1, "3QFY26": 0.2}))) == []
    assert list(validator("model").iter_errors(model({"2025": "12%"})))


# --------------------------------------------------------------------------- starter note


def test_scaffold_writes_the_expected_files(note: Path) -> None:
    assert sorted(p.name for p in note.iterdir()) == sorted(NOTE_FILES)
    models: dict[str, type[BaseModel]] = {
        "company.yaml": CompanyFile,
        "model.yaml": ModelFile,
        "valuation.yaml": ValuationFile,
        "exhibits.yaml": ExhibitsFile,
        "narrative.yaml": NarrativeFile,
    }
    for file_name, model in models.items():
        text = (note / file_name).read_text(encoding="utf-8")
        stem = file_name.removesuffix(".yaml")
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=../../schemas/{stem}.schema.json"
        data = load(note / file_name)
        model.model_validate(data)
        assert list(validator(stem).iter_errors(as_json(data))) == []
    company = CompanyFile.model_validate(load(note / "company.yaml"))
    assert company.company.fictional is True
    assert company.note.date == DAY
    spec = ModelFile.model_validate(load(note / "model.yaml"))
    kinds = {
        k for line in spec.lines.values() for k in ("growth", "ratio", "sum", "formula") if getattr(line, k)
    }
    assert kinds == {"growth", "ratio", "sum", "formula"}
    narrative = NarrativeFile.model_validate(load(note / "narrative.yaml"))
    assert len(narrative.bullets) == 3
    assert [s.key for s in narrative.sections if s.risks] == ["risks"]
    exhibits = ExhibitsFile.model_validate(load(note / "exhibits.yaml"))
    placed = [key for s in narrative.sections for key in s.exhibits]
    assert sorted(placed) == sorted([*exhibits.tables, *exhibits.charts])


def test_scaffold_names_the_company(tmp_path: Path) -> None:
    scaffold_note(tmp_path / "acme", company="Acme  Robotics", date=DAY)
    company = CompanyFile.model_validate(load(tmp_path / "acme" / "company.yaml"))
    assert (company.company.name, company.company.short_name) == ("Acme Robotics", "Acme")
    assert "Acme Robotics" in (tmp_path / "acme" / "narrative.yaml").read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="may not contain"):
        scaffold_note(tmp_path / "bad", company="{{ oops }}")
    assert not (tmp_path / "bad").exists()


def test_scaffold_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="not empty") as info:
        scaffold_note(tmp_path)
    assert info.value.exit_code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    with pytest.raises(ScaffoldError, match="a file"):
        scaffold_note(tmp_path / "keep.txt")


def test_scaffold_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert len(scaffold_note(tmp_path / "empty", date=DAY)) == len(NOTE_FILES)


@pytest.mark.skipif(
    not hasattr(reportgen.model.checks, "compile_model"), reason="the loader does not compile model.yaml yet"
)
def test_loader_accepts_the_scaffolded_note(note: Path) -> None:
    a = reportgen.note.load_assumptions(note, HOUSE)
    assert a.company.company.fictional
    eps = a.run.lines["eps"]
    assert str(eps.unit) == "USD per share"
    assert all(eps.value(p) > 0 for p in eps.timeline.periods)


# --------------------------------------------------------------------------- commands


def test_new_command(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(new, [str(tmp_path / "acme"), "--company", "Acme Robotics"])
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote ") == len(NOTE_FILES)
    assert "no house.yaml" in result.output
    again = runner.invoke(new, [str(tmp_path / "acme")])
    assert again.exit_code == 2
    assert "Error:" in again.output and "not empty" in again.output
    assert "Traceback" not in again.output


def test_schema_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(schema, [str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(
        f"{n}.schema.json" for n in SCHEMAS
    )
    assert isinstance(schema, click.Command) and isinstance(new, click.Command)


# --------------------------------------------------------------------------- reference page


def _fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    """Every field name reachable from ``model`` (nested models included)."""
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for info in model.model_fields.values():
        for sub in re.findall(r"reportgen\.schema\.(\w+)", repr(info.annotation)):
            names |= _fields(getattr(reportgen.inputs.schema, sub), seen)
    return names


def test_reference_documents_every_field_and_function() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = {
        name
        for model in SCHEMAS.values()
        for name in _fields(model, set())
        if not re.search(rf"\b{re.escape(name)}\b", text)
    }
    assert missing == set()
    assert [f for f in FUNCTIONS if f"{f}(" not in text] == []
    assert "reportgen schema schemas/" in text and "reportgen new" in text
