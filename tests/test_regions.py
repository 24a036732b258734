"""The region table (every public, US Government and China region, each fact sourced), what Azure's own
locations list overrides, and name-based pairing across regions outside the US."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.catalogue import load_policies
from scanner.regions import RegionTable, norm_region
from scanner.stamps import token_positions

from .conftest import POLICIES

DATA = json.loads((POLICIES / "lib" / "regions" / "data.json").read_text())
TABLE = RegionTable.of(load_policies(POLICIES))
PUBLISHED = Path(__file__).parent / "published" / "arm" / "resources"


def test_every_cloud_is_covered_and_every_fact_names_its_source() -> None:
    clouds = [r["cloud"] for r in DATA["regions"].values()]
    assert clouds.count("public") >= 57 and clouds.count("usgov") == 5 and clouds.count("china") == 6
    for name, region in DATA["regions"].items():
        assert norm_region(region["display"]) == name, name  # a display-name location maps to its name
        assert region["sources"] and set(region["sources"]) <= set(DATA["sources"]), name
        assert region["pair"] is None or region["pair"] in DATA["regions"], name
        assert region["zones"] in (True, False, None), name
    cited = {s for region in DATA["regions"].values() for s in region["sources"]}
    for key in cited:
        assert DATA["sources"][key].get("url") or DATA["sources"][key].get("repo"), key


@pytest.mark.parametrize(
    ("region", "pair", "zones"),
    [
        ("westeurope", "northeurope", True),
        ("swedencentral", "swedensouth", True),
        ("japaneast", "japanwest", True),
        ("brazilsouth", "southcentralus", True),  # one-way: South Central US pairs with North Central US
        ("italynorth", None, True),  # a newer region without a pair
        ("polandcentral", None, True),
        ("usgovvirginia", "usgovtexas", True),
        ("chinanorth3", "chinaeast3", True),
        ("westus", "eastus", False),
    ],
)
def test_regions_outside_the_us_and_in_sovereign_clouds(region: str, pair: str | None, zones: bool) -> None:
    assert (TABLE.pair(region), TABLE.regions[region]["zones"]) == (pair, zones)


def test_one_way_pairs_are_marked() -> None:
    one_way = {name for name, r in DATA["regions"].items() if r["pair_one_way"]}
    assert {"brazilsouth", "westus3", "westindia"} <= one_way
    for name in one_way:
        assert TABLE.pair(TABLE.pair(name) or "") != name


def test_the_table_agrees_with_the_pairs_azure_cli_recorded_from_arm() -> None:
    """azure-cli's recording of GET /subscriptions/{id}/locations (tests/published): the regions it lists
    with a pair other than themselves pair as the table says."""
    recorded = json.loads((PUBLISHED / "subscription-locations-list-azurecli-recording-2019-11-01.json").read_text())
    compared = 0
    for location in recorded["value"]:
        name = location["name"]
        pairs = [p["name"] for p in (location.get("metadata") or {}).get("pairedRegion") or [] if p["name"] != name]
        if name in DATA["regions"] and pairs and (location["metadata"].get("regionType") == "Physical"):
            assert TABLE.pair(name) == pairs[0], name
            compared += 1
    assert compared >= 30


def test_azure_locations_override_the_table() -> None:
    published = json.loads((PUBLISHED / "subscription-locations-list-2022-12-01.json").read_text())
    locations = published["responses"]["200"]["body"]["value"]
    moved = json.loads(json.dumps(locations))
    moved[0]["metadata"]["pairedRegion"] = [{"name": "westus2"}]  # say Azure pairs East US otherwise
    moved.append(
        {
            "name": "westus",
            "displayName": "West US",
            "metadata": {"regionType": "Physical"},
            "availabilityZoneMappings": [{"logicalZone": "1", "physicalZone": "westus-az1"}],
        }
    )
    moved.append({"name": "northcentralus", "metadata": {"regionType": "Physical", "pairedRegion": []}})
    moved.append({"name": "global", "metadata": {"regionType": "Logical"}})
    table = RegionTable.of(load_policies(POLICIES), moved)
    assert table.pair("eastus") == "westus2" and table.regions["eastus"]["source"] == "arm"
    assert table.regions["eastus"]["zones"] is True
    assert table.regions["westus"]["zones"] is True  # ARM's zone mappings beat the list
    assert table.pair("northcentralus") is None  # ARM lists no pair
    assert "global" not in table.regions
    assert table.pair("westeurope") == "northeurope"  # not in Azure's answer: the table still speaks
    assert table.facts(["eastus", "marsnorth"]) == {
        "eastus": {
            "display": "East US",
            "pair": "westus2",
            "pair_one_way": False,
            "zones": True,
            "restricted": False,
            "source": "arm",
        }
    }


@pytest.mark.parametrize(
    ("name", "token", "positions"),
    [
        ("app-we", "we", [4]),
        ("web-app-we-01", "we", [8]),
        ("webapp", "we", []),  # never inside a word
        ("network-ne", "ne", [8]),
        ("stappcus", "cus", [5]),  # storage names have no separators: the token ends the name
        ("stappcus01", "cus", [5]),
        ("stcustom", "cus", []),
        ("app-cus-2", "cus", [4]),
    ],
)
def test_region_tokens_match_as_tokens_only(name: str, token: str, positions: list[int]) -> None:
    assert token_positions(name, token) == positions


PLACES = {  # stamp -> (primary, secondary, display name of each): three non-US primaries, one without a pair
    "storefront": ("westeurope", "northeurope", "West Europe", "North Europe"),
    "lakehouse": ("swedencentral", "swedensouth", "Sweden Central", "Sweden South"),
    "orders": ("japaneast", "japanwest", "Japan East", "Japan West"),
    "batch": ("japaneast", "japanwest", "Japan East", "Japan West"),
    "assistant": ("italynorth", "westeurope", "Italy North", "West Europe"),  # Italy North has no pair
    "copilot": ("italynorth", "westeurope", "Italy North", "West Europe"),
}


def test_stamps_outside_the_us_get_no_unknown_for_want_of_region_data(tmp_path: Path) -> None:
    import yaml

    from scanner.pipeline import evaluate, load_inputs
    from scanner.snapshot import Snapshot, load_snapshot
    from scanner.stamps import resolve_stamps

    from .conftest import DEMO

    config = yaml.safe_load((DEMO / "drready.yaml").read_text())
    tokens: dict[str, list[str]] = {}
    for stamp in config["stamps"]:
        primary, secondary, _, _ = PLACES[stamp["name"]]
        stamp["primary_region"], stamp["secondary_region"] = primary, secondary
        tokens.setdefault(primary, ["cus"])  # the demo's names keep their US tokens
        tokens.setdefault(secondary, ["eus2", "eus"])
    config["regions"]["tokens"] = tokens
    for name in (
        "drills.yaml",
        "airflow-orders.yaml",
        "airflow-batch.yaml",
        "model-gateway.yaml",
        "copilot-litellm.yaml",
    ):
        (tmp_path / name).write_text((DEMO / name).read_text())
    (tmp_path / "drready.yaml").write_text(yaml.safe_dump(config))
    demo = load_snapshot(DEMO / "snapshot.json")
    us = load_inputs(DEMO / "drready.yaml", demo, POLICIES)
    moved = []
    for stamp in resolve_stamps(us.config, demo, us.regions):
        _, _, primary_display, secondary_display = PLACES[stamp.name]
        for r in stamp.resources:
            where = {"centralus": primary_display, "eastus2": secondary_display, "eastus": secondary_display}
            moved.append(r | {"location": where.get(str(r.get("location")).replace(" ", "").lower(), r["location"])})
    places = {str(r["resourceGroup"]).lower(): r["location"] for r in moved if str(r["location"]).lower() != "global"}
    groups = [g | {"location": places.get(g["name"].lower(), g["location"])} for g in demo.resource_groups or []]
    snapshot = Snapshot(
        resources=moved,
        collected_at=demo.collected_at,  # recovery point ages count from it
        children=demo.children,
        authorization=demo.authorization,
        resource_groups=groups,
        subscriptions=demo.subscriptions,
        policy_assignments=demo.policy_assignments,
        deny_assignments=demo.deny_assignments,
    )
    result = evaluate(load_inputs(tmp_path / "drready.yaml", snapshot, POLICIES))
    unknown = [(f["stamp"], f["control"], f["message"]) for f in result["findings"] if f["status"] == "unknown"]
    assert unknown == []
    regions = {f["stamp"]: f for f in result["findings"] if f["control"] == "DR-REG-01"}
    assert regions["storefront"]["status"] == "pass" and regions["assistant"]["status"] == "pass"
    assert "italynorth has no Azure pair" in regions["assistant"]["message"]
    zones = [f for f in result["findings"] if f["control"] == "DR-K8S-01" and f["stamp"] == "orders"]
    assert zones and all(f["status"] in ("pass", "fail", "not_applicable") for f in zones)
