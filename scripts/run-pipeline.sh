#!/usr/bin/env bash
# The main job, on a fresh machine: install the pinned Azurite (package.json) if needed, start it if
# nothing answers on 127.0.0.1:10000-10002, build, then run `sunspots pipeline run` against it.
# Arguments go to `pipeline run`: --source URL|FILE (default: SILSO's URL), --json.
# Azurite keeps running afterwards (data in .azurite/, log in .azurite/azurite.log) so later commands
# (sunspots models list, forecast, the Functions host) see the same storage.
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! answers 10000 || ! answers 10001 || ! answers 10002; then
  if [ ! -x node_modules/.bin/azurite ]; then
    echo "Installing Azurite (npm ci) …" >&2
    npm ci --no-audit --no-fund >&2
  fi
  mkdir -p .azurite
  nohup node_modules/.bin/azurite --silent --location .azurite --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
  echo "Started Azurite (pid $!; data in .azurite/, log in .azurite/azurite.log)." >&2
  for _ in $(seq 1 120); do
    if answers 10000 && answers 10001 && answers 10002; then break; fi
    sleep 0.5
  done
  if ! answers 10000 || ! answers 10001 || ! answers 10002; then
    echo "Azurite did not start; see .azurite/azurite.log (is another program using ports 10000-10002?)." >&2
    exit 1
  fi
fi

exec dotnet run --project src/Cli -c Release -- pipeline run "$@"
