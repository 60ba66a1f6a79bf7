#!/usr/bin/env bash
# The HTTP API under load as its clients measure it: builds tests/HostLoad (and the worker) in
# Release, then runs it: Azurite in memory, the host emulator with the real worker and champions it
# trains through its own ingest timer and retrain queue, and wrk (another process) against
# GET /api/forecast, GET /api/forecast?days=30, POST /api/forecast, POST /api/classify and a bare
# Kestrel answering the GET's exact bytes. Prints req/s, p50 and p99 and GET as % of the bare limit.
#   bash scripts/load.sh [--duration 10] [--connections 64] [--threads 2] [--warmup 3] [--wrk PATH] [--json]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk > /dev/null && [[ " $* " != *" --wrk "* ]]; then
  echo "wrk is not installed (apt-get install wrk), or give --wrk PATH." >&2
  exit 1
fi

echo "Building src/Functions and tests/HostLoad (Release) …" >&2
if ! dotnet build tests/HostLoad -c Release -nologo -v q -clp:ErrorsOnly >&2; then
  echo "The build failed (above); nothing was measured." >&2
  exit 1
fi

rid=$(dotnet --info 2>/dev/null | awk '/^ *RID:/ {print $2; exit}')
export OMP_WAIT_POLICY=PASSIVE
exec dotnet "tests/HostLoad/bin/Release/net10.0/$rid/SunspotForecaster.HostLoad.dll" "$@"
