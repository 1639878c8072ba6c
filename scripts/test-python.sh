#!/usr/bin/env bash
# `npm run test:python`: the reference system's own tests — unit tests and the integration tests
# that run the whole pipeline, MLflow registry and gateway against a real local stack. Uses the
# background stack when one runs (`kfp-e2e stack up`), else starts one and stops it afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$root/bin/kfp-e2e"
env_file="$root/.stack/python-tests.env"

started_here=0
if ! "$cli" stack status >/dev/null 2>&1; then
  started_here=1
fi
stop_if_started() {
  if [ "$started_here" = 1 ]; then
    "$cli" stack down >/dev/null || true
  fi
  rm -f "$env_file"
}
trap stop_if_started EXIT

"$cli" stack up --env-file "$env_file" >&2
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a
cd "$root/fixtures/poblesec"
"$root/.stack/venv/bin/python" -m pytest -q "$@"
