#!/usr/bin/env bash
# The drready GitHub Action's main step (action.yml): run a scan or a gate with the action's inputs
# (DRREADY_* variables), then tell the later steps which files exist, so that a step whose input is
# missing (after an exit 2, say) is skipped instead of failing a second time. Always exits 0: the
# action's last step turns drready's exit code into the job's verdict. The outputs go to
# DRREADY_OUTPUTS, else GITHUB_OUTPUT (the Azure DevOps template reads the same lines).
set -uo pipefail

out="${DRREADY_OUT:-drready-out}"
mode="${DRREADY_MODE:-scan}"
config=(--config "${DRREADY_CONFIG:-drready.yaml}")
read -r -a extra <<<"${DRREADY_EXTRA_ARGS:-}"
collect=(--auth "${DRREADY_AUTH:-cli}" "${extra[@]}")

lines() { printf '%s\n' "$1" | sed '/^[[:space:]]*$/d'; }

code=0
case "$mode" in
  scan)
    source=("${collect[@]}")
    [ -n "${DRREADY_SNAPSHOT:-}" ] && source=(--snapshot "$DRREADY_SNAPSHOT")
    drready scan "${config[@]}" "${source[@]}" --out "$out" --format "${DRREADY_FORMATS:-html,md,json,sarif,junit}" \
      --fail-on "${DRREADY_FAIL_ON:-high}" || code=$?
    sarif="$out/results.sarif"
    comment="$out/summary.md"
    ;;
  gate)
    baseline="${DRREADY_BASELINE:-}"
    if [ -z "$baseline" ]; then
      baseline="${RUNNER_TEMP:-/tmp}/drready-baseline.json"
      # A partial baseline (exit 3) still gates: its unknown findings cannot regress. Anything else stops here.
      drready collect "${config[@]}" "${collect[@]}" --out "$baseline" || code=$?
    fi
    if [ "$code" = 0 ] || [ "$code" = 3 ]; then
      code=0
      plans=()
      while IFS= read -r f; do plans+=(--what-if "$f"); done < <(lines "${DRREADY_WHAT_IF:-}")
      while IFS= read -r f; do plans+=(--terraform-plan "$f"); done < <(lines "${DRREADY_TERRAFORM_PLAN:-}")
      drready gate "${config[@]}" --baseline "$baseline" "${plans[@]}" --out "$out" || code=$?
    fi
    sarif="$out/gate.sarif"
    comment="$out/gate.md"
    ;;
  *)
    echo "::error::drready action: mode must be scan or gate, not '$mode'"
    code=2
    sarif=
    comment=
    ;;
esac

{
  echo "exit-code=$code"
  [ -d "$out" ] && echo "out=$out"
  [ -n "$sarif" ] && [ -f "$sarif" ] && echo "sarif=$sarif"
  [ -n "$comment" ] && [ -f "$comment" ] && echo "comment=$comment"
} >>"${DRREADY_OUTPUTS:-${GITHUB_OUTPUT:-/dev/null}}"
if [ -n "$comment" ] && [ -f "$comment" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$comment" >>"$GITHUB_STEP_SUMMARY"
fi
exit 0
