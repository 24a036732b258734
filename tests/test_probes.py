"""Runbook probes from real ARM bodies (../shared fixtures): entry points and the secondary's endpoints
with the health paths the estate configures, never a made-up URL; the HTML runbook says the same."""

from __future__ import annotations

import copy
from pathlib import Path

from scanner.probes import probe_targets

from .conftest import arm, run_cli


def test_traffic_manager_probe_uses_its_monitor_protocol_port_and_path() -> None:
    tm = arm("network/traffic-manager-profile-get-with-endpoints.json")
    fqdn = tm["properties"]["dnsConfig"]["fqdn"]
    assert probe_targets([tm], "eastus2") == [
        {"what": f"Traffic Manager profile {tm['name']}", "url": f"http://{fqdn}/testpath.aspx"}
    ]
    tm = copy.deepcopy(tm)
    tm["properties"]["monitorConfig"] |= {"protocol": "HTTPS", "port": 8443}
    assert probe_targets([tm], "eastus2")[0]["url"] == f"https://{fqdn}:8443/testpath.aspx"
    tm["properties"]["monitorConfig"] |= {"protocol": "TCP", "path": None}
    assert probe_targets([tm], "eastus2") == []  # a TCP monitor has no URL to probe


def test_front_door_endpoint_takes_the_origin_groups_probe_path() -> None:
    group = arm("cdn/afd-origin-group-get.json")
    endpoint = {
        "id": group["id"].rsplit("/origingroups/", 1)[0] + "/afdEndpoints/ep1",
        "type": "Microsoft.Cdn/profiles/afdEndpoints",  # mixed case as ARM returns it
        "name": "ep1",
        "location": "Global",
        "properties": {"hostName": "ep1-abc.z01.azurefd.net"},
    }
    assert probe_targets([endpoint, group], "eastus2") == [
        {"what": "Front Door endpoint ep1", "url": "https://ep1-abc.z01.azurefd.net/path1"}
    ]


def test_apps_count_only_in_the_secondary_and_fall_back_to_the_root_path() -> None:
    site = arm("web/site-get.json")  # location "East US", no healthCheckPath
    assert probe_targets([site], "eastus") == [
        {"what": f"App Service {site['name']}", "url": f"https://{site['properties']['defaultHostName']}/"}
    ]
    assert probe_targets([site], "westeurope") == []  # a primary app is not what a failover brings up


def test_a_static_site_is_probed_on_the_secondary_web_endpoint_or_not_at_all() -> None:
    account = arm("storage/storage-account-get-properties-grs.json")  # GRS: no readable secondary endpoint
    assert probe_targets([account], "westus2") == []
    ra = copy.deepcopy(account)
    ra["properties"]["secondaryEndpoints"] = {"web": "https://sto8596-secondary.z5.web.core.windows.net/"}
    assert probe_targets([ra], "westus2")[0]["url"] == "https://sto8596-secondary.z5.web.core.windows.net/"
    assert probe_targets([{"type": "Microsoft.Storage/storageAccounts", "properties": None}], "x") == []


def test_the_demo_runbook_probes_real_urls_in_markdown_and_html(tmp_path: Path) -> None:
    result = run_cli("runbook", "--demo", "--stamp", "storefront", "--format", "md,html", "--out", str(tmp_path / "rb"))
    assert result.exit_code == 0, result.output
    md = (tmp_path / "rb" / "runbook.md").read_text()
    html = (tmp_path / "rb" / "runbook.html").read_text()
    url = "https://app-storefront-api-eus2.azurewebsites.net/healthz"
    assert url in md and f"{url}</code>" in html and "<code>curl -fsS" in html
    assert md.index("Traffic Manager profile tm-storefront-legacy") < md.index("App Service app-storefront-api-eus2")
    assert "Content-Security-Policy" in html and "<h2>Failback</h2>" in html
    lone = run_cli("runbook", "--demo", "--stamp", "storefront", "--format", "md,html")
    assert lone.exit_code == 2 and "--out FOLDER" in lone.output
    bad = run_cli("runbook", "--demo", "--stamp", "storefront", "--format", "pdf")
    assert bad.exit_code == 2 and "md, html" in bad.output


def test_hostile_names_stay_text_in_the_html_runbook(tmp_path: Path) -> None:
    from .test_reports import HOSTILE, hostile_inputs

    config, snapshot = hostile_inputs(tmp_path)
    result = run_cli("runbook", "--config", str(config), "--snapshot", str(snapshot), "--stamp", "storefront",
                     "--format", "html", "--out", str(tmp_path / "rb.html"))  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (tmp_path / "rb.html").read_text()
    assert "<script" not in html and "&lt;script&gt;document.title" in html and HOSTILE[-300:] in html
