"""Where the shipped assets (policies, report templates, demo estate) live.

In a checkout they are top-level folders beside scanner/; in an installed wheel they are
carried under scanner/_assets (see pyproject.toml's force-include).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_NAMES = {"policies": "policies", "reports": "reports", "demo": "examples/demo", "schemas": "schemas"}


def asset_dir(name: str) -> Path:
    """The folder of asset `name` (policies, reports, demo or schemas)."""
    installed = _PACKAGE / "_assets" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / _NAMES[name]
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"drready asset folder '{name}' not found under {_PACKAGE}")
