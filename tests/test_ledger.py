"""The ledger of published calls: its file format, the windows notes read, the distribution."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reportgen.errors import AssumptionsError
from reportgen.model.valuation import build_valuation
from reportgen.record.coverage import build_coverage
from reportgen.record.history import build_history
from reportgen.record.ledger import Amount, Entry, append_entry, load_ledger
from tests.factories import run, tiny_company, tiny_house, tiny_valuation, tiny_valuation_model
from tests.helpers import house_of_the_repo

COMMIT = "a" * 40


def entry(note: str, company: str, when: str, rating: str, target: float, price: float = 50.0) -> Entry:
    published = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
    return Entry(
        note=note,
        company=company,
        note_date=published.date(),
        published=published,
        rating=rating,
        targets={"ads": Amount(value=target, currency="USD")},
        prices={"ads": Amount(value=price, currency="USD")},
        revision=COMMIT,
    )


def write(path: Path, *entries: Entry) -> Path:
    for e in entries:
        append_entry(path, e)
    return path


def test_one_readable_line_per_publication(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ledger.jsonl",
        entry("acme", "Acme", "2026-01-05T08:00:00", "Buy", 60.0),
        entry("acme", "Acme", "2026-03-02T08:00:00", "Hold", 55.0),
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["published"] == "2026-01-05T08:00:00Z"
    assert first["targets"] == {"ads": {"currency": "USD", "value": 60.0}}
    assert list(first) == sorted(first)  # sorted keys: stable and diffable
    ledger = load_ledger(path)
    assert [c.where for c in ledger.calls] == ["ledger.jsonl:1", "ledger.jsonl:2"]
    assert ledger.calls[1].entry.rating == "Hold"


def test_appending_never_rewrites_earlier_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "ledger.jsonl", entry("acme", "Acme", "2026-01-05T08:00:00", "Buy", 60.0))
    before = path.read_bytes()
    write(path, entry("acme", "Acme", "2026-02-05T08:00:00", "Buy", 62.0))
    assert path.read_bytes().startswith(before)
    with pytest.raises(AssumptionsError, match="earlier than the last one"):
        write(path, entry("acme", "Acme", "2026-01-06T08:00:00", "Buy", 61.0))


def test_missing_ledger_is_empty(tmp_path: Path) -> None:
    assert load_ledger(tmp_path / "ledger.jsonl").calls == ()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(rating=1), "ledger.jsonl:2: rating: Input should be a valid string"),
        (lambda d: d.update(revision="HEAD"), "ledger.jsonl:2: revision: String should match pattern"),
        (lambda d: d.update(published="2026-02-01T08:00:00+08:00"), "ledger.jsonl:2: published: Value error"),
        (lambda d: d.update(colour="red"), "ledger.jsonl:2: colour: Extra inputs are not permitted"),
        (lambda d: d["targets"]["ads"].update(value=-5), "ledger.jsonl:2: targets.ads.value"),
        (lambda d: d.update(published="2025-12-01T08:00:00Z"), "ledger.jsonl:2: published: earlier than"),
    ],
)
def test_bad_lines_are_named_by_line(tmp_path: Path, edit: object, message: str) -> None:
    good = entry("acme", "Acme", "2026-01-05T08:00:00", "Buy", 60.0).to_line()
    data = json.loads(good)
    assert callable(edit)
    edit(data)
    path = tmp_path / "ledger.jsonl"
    path.write_text(good + "\n" + json.dumps(data) + "\n", encoding="utf-8")
    with pytest.raises(AssumptionsError) as info:
        load_ledger(path)
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems
    assert info.value.exit_code == 2


def test_windows_before_the_note_date(tmp_path: Path) -> None:
    """A note dated 11 May 2026 compares with its last call before that day; the table reaches
    back twelve months (11 May 2025 inclusive), the chart three years (11 May 2023)."""
    ledger = load_ledger(
        write(
            tmp_path / "ledger.jsonl",
            entry("acme", "Acme", "2023-05-10T08:00:00", "Sell", 30.0),  # 3 years and a day: neither
            entry("acme", "Acme", "2025-05-10T08:00:00", "Hold", 45.0),  # chart only
            entry("acme", "Acme", "2025-05-11T08:00:00", "Buy", 55.0),  # both
            entry("other", "Other", "2025-06-01T08:00:00", "Buy", 10.0),  # another note
            entry("acme", "Acme", "2026-05-11T06:00:00", "Buy", 60.0),  # this note's own day: neither
        )
    )
    day = dt.date(2026, 5, 11)
    last = ledger.last_before("acme", day)
    assert last is not None and last.where == "ledger.jsonl:3"
    assert [c.entry.rating for c in ledger.since("acme", day, months=12)] == ["Buy"]
    assert [c.entry.rating for c in ledger.since("acme", day, years=3)] == ["Hold", "Buy"]
    assert ledger.last_before("acme", dt.date(2023, 5, 10)) is None  # a first publication


def test_history_rows_end_with_this_note(tmp_path: Path) -> None:
    """tests/test_valuation.py works the targets by hand: US$60 per ADS and HK$60 per H share."""
    company = tiny_company()
    valuation = build_valuation(tiny_valuation(), run(tiny_valuation_model()), company, tiny_house())
    ledger = load_ledger(
        write(tmp_path / "ledger.jsonl", entry("tiny", "Tiny", "2026-01-05T08:00:00", "Hold", 55.0, 48.0))
    )
    history = build_history(ledger, "tiny", company, valuation)
    first, this = history.table
    assert (first.date, first.rating, first.targets[0], first.prices[0]) == (
        dt.date(2026, 1, 5),
        "Hold",
        55.0,
        48.0,
    )
    # The H share was not in the ledger line: n/a rather than a guess.
    assert first.targets[1] != first.targets[1]  # NaN
    assert this.current and this.targets == (60.0, 60.0)
    assert this.date == company.note.date
    assert history.chart == history.table


def test_distribution_counts_each_companys_latest_published_call(tmp_path: Path) -> None:
    """Acme Buy then Hold (latest: Hold), Beta Sell, Gamma Buy after the date (not yet counted):
    Buy 0, Hold 1, Sell 1 of 2 companies -> 0%, 50%, 50%."""
    ledger = load_ledger(
        write(
            tmp_path / "ledger.jsonl",
            entry("acme", "Acme", "2026-01-05T08:00:00", "Buy", 60.0),
            entry("beta", "Beta", "2026-02-05T08:00:00", "Sell", 20.0),
            entry("acme", "Acme", "2026-03-05T08:00:00", "Hold", 50.0),
            entry("gamma", "Gamma", "2026-06-05T08:00:00", "Buy", 70.0),
        )
    )
    dist = build_coverage(ledger, house_of_the_repo(), dt.date(2026, 5, 11))
    assert dist.rated == 2
    assert [(c.rating, c.count, c.share) for c in dist.counts] == [
        ("Buy", 0, 0.0),
        ("Hold", 1, 0.5),
        ("Sell", 1, 0.5),
    ]


def test_ledger_is_read_like_every_input(tmp_path: Path) -> None:
    """A control character or bytes that are not UTF-8 are refused with the file named."""
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b'{"note": "x"}\x0c\n')
    with pytest.raises(AssumptionsError, match=r"ledger\.jsonl"):
        load_ledger(path)
    path.write_bytes(b'{"note": "\xff"}\n')
    with pytest.raises(AssumptionsError, match=r"ledger\.jsonl"):
        load_ledger(path)
