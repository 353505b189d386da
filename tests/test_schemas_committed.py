"""The committed JSON Schemas (schemas/) are what `reportgen schema` writes from the code today.

Editors read schemas/ through the modeline on every note file; a schema that lags the code would
flag valid files or complete keys that no longer exist.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schemas_match_reportgen_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in tmp_path.glob("*.json")}
    committed = {p.name: p.read_bytes() for p in (ROOT / "schemas").glob("*.json")}
    assert sorted(written) == sorted(committed), "run `reportgen schema` and commit schemas/"
    stale = sorted(name for name in written if written[name] != committed[name])
    assert stale == [], f"schemas/ is stale ({', '.join(stale)}): run `reportgen schema` and commit it"


def test_every_shipped_note_file_names_its_schema() -> None:
    notes = sorted(p for p in (ROOT / "assumptions").iterdir() if (p / "company.yaml").is_file())
    assert notes
    missing = []
    for note in notes:
        for path in sorted(note.glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            if first != f"# yaml-language-server: $schema=../../schemas/{path.stem}.schema.json":
                missing.append(f"{note.name}/{path.name}")
            assert (ROOT / "schemas" / f"{path.stem}.schema.json").is_file(), path
    house = (ROOT / "assumptions" / "house.yaml").read_text(encoding="utf-8").splitlines()[0]
    if house != "# yaml-language-server: $schema=../schemas/house.schema.json":
        missing.append("house.yaml")
    assert missing == []
