"""What a runbook probes before a failover is declared complete: the URLs users reach (Front Door and
Traffic Manager entry points) and the secondary's own endpoints (App Service health-check paths, static
websites), read from the ARM bodies in the snapshot, each with the health path the estate configures."""

from __future__ import annotations

from typing import Any

from scanner.regions import norm_region


def probe_targets(resources: list[dict[str, Any]], secondary: str | None) -> list[dict[str, str]]:
    """[{"what": ..., "url": ...}], entry points first, then the secondary's apps and sites; a body
    without a host name gives no probe rather than a made-up URL."""
    entry: list[dict[str, str]] = []
    direct: list[dict[str, str]] = []
    fd_path = _front_door_probe_path(resources)
    for r in resources:
        kind = str(r.get("type") or "").lower()
        props = r.get("properties") if isinstance(r.get("properties"), dict) else {}
        in_secondary = secondary is not None and norm_region(r.get("location")) == secondary
        if kind == "microsoft.cdn/profiles/afdendpoints" and props.get("hostName"):
            entry.append(_probe(f"Front Door endpoint {r.get('name')}", "https", props["hostName"], fd_path))
        elif kind == "microsoft.network/trafficmanagerprofiles":
            fqdn = (props.get("dnsConfig") or {}).get("fqdn")
            monitor = props.get("monitorConfig") or {}
            if fqdn and str(monitor.get("protocol") or "").upper() in ("HTTP", "HTTPS"):
                scheme = str(monitor["protocol"]).lower()
                port = monitor.get("port")
                host = fqdn if port in (None, {"http": 80, "https": 443}[scheme]) else f"{fqdn}:{port}"
                entry.append(_probe(f"Traffic Manager profile {r.get('name')}", scheme, host, monitor.get("path")))
        elif kind == "microsoft.web/sites" and in_secondary and props.get("defaultHostName"):
            path = (props.get("siteConfig") or {}).get("healthCheckPath")
            direct.append(_probe(f"App Service {r.get('name')}", "https", props["defaultHostName"], path))
        elif kind == "microsoft.storage/storageaccounts":
            web = _static_site(props, in_secondary)
            if web:
                direct.append({"what": f"static website of {r.get('name')}", "url": web})
    return entry + sorted(direct, key=lambda p: p["what"])


def _probe(what: str, scheme: str, host: str, path: Any) -> dict[str, str]:
    path = str(path or "/")
    return {"what": what, "url": f"{scheme}://{host}{path if path.startswith('/') else '/' + path}"}


def _front_door_probe_path(resources: list[dict[str, Any]]) -> str | None:
    for r in resources:
        if str(r.get("type") or "").lower() == "microsoft.cdn/profiles/origingroups":
            settings = ((r.get("properties") or {}).get("healthProbeSettings")) or {}
            if settings.get("probePath"):
                return str(settings["probePath"])
    return None


def _static_site(props: dict[str, Any], in_secondary: bool) -> str | None:
    """A secondary account's own web endpoint, or a primary's read-access secondary web endpoint (RA-GRS
    and RA-GZRS serve the static site from the secondary while the primary is down)."""
    if in_secondary:
        return (props.get("primaryEndpoints") or {}).get("web")
    return (props.get("secondaryEndpoints") or {}).get("web")
