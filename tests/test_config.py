from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import load_config
from scanner.durations import parse_minutes
from scanner.errors import InputError

from .conftest import DEMO

GOOD = """\
version: 1
regions:
  primary: centralus
stamps:
  - name: web
    kind: web
    targets: {rpo: 15m, rto: 4h}
    selector:
      tags: {workload: web}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "drready.yaml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as info:
        load_config(write(tmp_path, text))
    return info.value


def test_demo_config_loads_with_pair_default() -> None:
    config = load_config(DEMO / "drready.yaml")
    assert [s.kind for s in config.stamps] == ["web", "data", "kubernetes", "kubernetes", "genai", "genai"]
    assert config.regions_of(config.stamps[0], {"centralus": "eastus2"}.get) == ("centralus", "eastus2")
    assert config.stamps[0].targets.rpo == 15 and config.stamps[0].targets.rto == 60


@pytest.mark.parametrize(("text", "minutes"), [("15m", 15), ("4h", 240), ("1h30m", 90), ("2d", 2880), (45, 45)])
def test_durations(text: str | int, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("bad", ["4 hours", "", "h", "15s", "-5m", True])
def test_bad_durations_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_minutes(bad)


def test_unknown_stamp_kind_names_line_and_field(tmp_path: Path) -> None:
    err = error_of(tmp_path, GOOD.replace("kind: web", "kind: batch"))
    assert err.location == 6
    assert "stamps[0].kind" in err.one_line()
    assert "'web'" in err.one_line() and str(tmp_path / "drready.yaml") in err.one_line()


def test_bad_duration_names_line_and_field(tmp_path: Path) -> None:
    err = error_of(tmp_path, GOOD.replace("rto: 4h", "rto: four hours"))
    assert err.location == 7
    assert "stamps[0].targets.rto" in err.one_line() and "four hours" in err.one_line()


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, GOOD + "  - name: [unclosed\n")
    assert isinstance(err.location, int) and err.location >= 10
    assert "invalid YAML" in err.one_line()


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    err = error_of(tmp_path, GOOD.replace("    kind: web\n", "    kind: web\n    tierr: gold\n"))
    assert err.location == 7 and "stamps[0].tierr: unknown field" in err.one_line()


def test_duplicate_stamp_and_unknown_waiver_stamp(tmp_path: Path) -> None:
    dup = GOOD + GOOD.split("stamps:\n")[1]
    assert "duplicate stamp name" in error_of(tmp_path, dup).one_line()
    waiver = GOOD + "waivers:\n  - {control: DR-WEB-01, stamp: nope, reason: r, owner: o, expires: 2030-01-01}\n"
    err = error_of(tmp_path, waiver)
    assert err.location == 11 and "no stamp named 'nope'" in err.one_line()


def test_waiver_needs_reason_owner_and_date(tmp_path: Path) -> None:
    err = error_of(tmp_path, GOOD + "waivers:\n  - {control: DR-WEB-01, stamp: web, owner: o, expires: 2030-01-01}\n")
    assert "waivers[0].reason" in err.one_line()
    err = error_of(
        tmp_path,
        GOOD + "waivers:\n  - {control: DR-WEB-01, stamp: web, reason: r, owner: o, expires: soon}\n",
    )
    assert "waivers[0].expires" in err.one_line()


def test_region_without_pair_has_no_secondary(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD.replace("primary: centralus", "primary: mexicocentral")))
    assert config.regions_of(config.stamps[0], {"centralus": "eastus2"}.get) == ("mexicocentral", None)


def test_explicit_secondary_and_per_stamp_override(tmp_path: Path) -> None:
    text = GOOD.replace("primary: centralus", "primary: centralus\n  secondary: westus2")
    text = text.replace("    kind: web\n", "    kind: web\n    primary_region: eastus\n")
    config = load_config(write(tmp_path, text))
    assert config.regions_of(config.stamps[0], {"eastus": "westus"}.get) == ("eastus", "westus")


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    assert "expected a mapping" in error_of(tmp_path, "").one_line()
    with pytest.raises(InputError, match="cannot read file"):
        load_config(tmp_path / "absent.yaml")
