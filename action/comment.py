"""The drready GitHub Action's pull-request comment: one comment per pull request and mode, found again
by a hidden marker and updated in place on every push, instead of a new comment each time.

Standard library only (it runs whatever the job installed). Reads GITHUB_TOKEN, GITHUB_REPOSITORY,
GITHUB_EVENT_PATH, GITHUB_API_URL, DRREADY_COMMENT (the Markdown file) and DRREADY_MODE. A token that
may not comment (a pull request from a fork) is a warning, not a failed job.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

LIMIT = 65_000  # GitHub refuses comment bodies over 65,536 characters


def marker(mode: str) -> str:
    return f"<!-- drready:{mode} -->"


def _request(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> tuple[Any, str]:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null"), response.headers.get("Link", "")


def _next_page(link: str) -> str | None:
    found = re.search(r'<([^>]+)>;\s*rel="next"', link)
    return found.group(1) if found else None


def existing(api: str, repo: str, number: int, token: str, tag: str) -> int | None:
    """The id of the comment that carries the marker, following every page of the pull request's comments."""
    url: str | None = f"{api}/repos/{repo}/issues/{number}/comments?per_page=100"
    while url:
        comments, link = _request("GET", url, token)
        for comment in comments:
            if tag in (comment.get("body") or ""):
                return int(comment["id"])
        url = _next_page(link)
    return None


def post(api: str, repo: str, number: int, token: str, mode: str, text: str) -> str:
    """Create or update the comment; say which."""
    tag = marker(mode)
    body = f"{tag}\n{text}"
    if len(body) > LIMIT:
        body = body[: LIMIT - 40] + "\n\n(truncated)\n"
    found = existing(api, repo, number, token, tag)
    if found is None:
        _request("POST", f"{api}/repos/{repo}/issues/{number}/comments", token, {"body": body})
        return "created"
    _request("PATCH", f"{api}/repos/{repo}/issues/comments/{found}", token, {"body": body})
    return "updated"


def main() -> int:
    event = json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
    number = (event.get("pull_request") or event.get("issue") or {}).get("number")
    if not number:
        print("drready comment: not a pull request; no comment")
        return 0
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    text = Path(os.environ["DRREADY_COMMENT"]).read_text(encoding="utf-8")
    mode = os.environ.get("DRREADY_MODE", "scan")
    try:
        done = post(api, os.environ["GITHUB_REPOSITORY"], int(number), os.environ["GITHUB_TOKEN"], mode, text)
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403, 404):
            print(f"::warning::drready could not comment on pull request #{number} (HTTP {exc.code}): a pull "
                  "request from a fork gets a read-only token; the reports are in the job's artifacts")  # fmt: skip
            return 0
        print(f"::error::drready comment: HTTP {exc.code} from {exc.url}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"::error::drready comment: {exc}", file=sys.stderr)
        return 1
    print(f"drready comment: {done} on pull request #{number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
