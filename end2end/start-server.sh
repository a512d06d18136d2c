#!/usr/bin/env bash
# Starts the debug build on a fresh demo database for the journeys.
set -euo pipefail
port="$1"
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
export SETTLE_DATABASE_URL="sqlite://$dir/e2e.db?mode=rwc"
export SETTLE_ADDR="127.0.0.1:$port"
export SETTLE_SECRET_KEY=$(head -c 64 /dev/urandom | base64 -w0)
export LEPTOS_SITE_ROOT=target/site
# One log line per request would bury the journeys' output; warnings and errors still show.
export SETTLE_LOG="${SETTLE_LOG:-warn}"
target/debug/settle demo >/dev/null
# For journeys that run the engine as of another day with `settle remind` on this database.
umask 077
printf 'SETTLE_DATABASE_URL=%s\nSETTLE_SECRET_KEY=%s\n' "$SETTLE_DATABASE_URL" "$SETTLE_SECRET_KEY" >"/tmp/settle-e2e-$port.env"
exec target/debug/settle serve
