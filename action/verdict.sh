#!/usr/bin/env bash
# The drready GitHub Action's last step: the job passes only on an exit code the workflow allows
# (ALLOWED, comma-separated; CODE is drready's). A missing code means drready never ran: a failure.
set -euo pipefail
code="${CODE:-}"
if [ -z "$code" ]; then
  echo "::error::drready did not run (no exit code)"
  exit 2
fi
case ",${ALLOWED// /}," in
  *",$code,"*) echo "drready exited $code (allowed: $ALLOWED)" ;;
  *)
    meaning="gaps at or above --fail-on, or a DR regression in gate mode"
    [ "$code" = 2 ] && meaning="a usage, input or sign-in error (see the log)"
    [ "$code" = 3 ] && meaning="incomplete: some findings are unknown"
    echo "::error::drready exited $code: $meaning"
    exit "$code"
    ;;
esac
