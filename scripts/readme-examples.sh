#!/usr/bin/env bash
# Regenerates the README's example output (the block between <!-- example:main-job --> and
# <!-- /example:main-job -->) by running the main job as the README shows it, on fresh local
# storage of its own: nothing may answer on 127.0.0.1:10000-10002 while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if answers 10000 || answers 10001 || answers 10002; then
  echo "Something answers on 127.0.0.1:10000-10002 (an Azurite?); stop it first: the example needs fresh storage." >&2
  exit 1
fi

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund >&2
storage=$(mktemp -d)
node_modules/.bin/azurite --silent --location "$storage" --skipApiVersionCheck --disableTelemetry \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > "$storage/azurite.log" 2>&1 &
azurite=$!
trap 'kill "$azurite" 2>/dev/null || true; wait "$azurite" 2>/dev/null || true; rm -rf "$storage"' EXIT
for _ in $(seq 1 120); do answers 10000 && answers 10001 && answers 10002 && break; sleep 0.5; done

start=$(date +%s)
output=$(bash scripts/run-pipeline.sh 2>/dev/null)
echo "main job: $(( $(date +%s) - start )) s wall" >&2

block=$(mktemp)
{ echo '```text'; echo "$output"; echo '```'; } > "$block"
awk -v block="$block" '
  /<!-- example:main-job -->/ { print; while ((getline line < block) > 0) print line; skip = 1; next }
  /<!-- \/example:main-job -->/ { skip = 0 }
  !skip { print }
' README.md > README.md.tmp && mv README.md.tmp README.md
rm -f "$block"
echo "README.md: the main job's example output regenerated." >&2
