#!/usr/bin/env bash
# The Functions app locally where Core Tools cannot be installed: builds (Release) the worker and
# tests/LocalHost, then runs it: Azurite (npm ci if node_modules lacks it), the project's host
# emulator with the real worker on http://127.0.0.1:7071/api/..., the timers on their schedules and
# the retrain queue polled, until Ctrl-C. `--help` lists the options; docs/local.md explains them.
# LOCAL_RUN_CONFIGURATION=Debug builds and runs the Debug outputs instead (the tests pass theirs).
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=${LOCAL_RUN_CONFIGURATION:-Release}
build=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done

if [ "$build" = 1 ]; then
  echo "Building src/Functions and tests/LocalHost ($configuration) …" >&2
  if ! dotnet build tests/LocalHost -c "$configuration" -nologo -v q -clp:ErrorsOnly >&2; then
    echo "The build failed (above); nothing was started." >&2
    exit 1
  fi
fi

program=tests/LocalHost/bin/$configuration/net10.0/$(dotnet --info 2>/dev/null | awk '/^ *RID:/ {print $2; exit}')/SunspotForecaster.LocalHost.dll
if [ ! -f "$program" ]; then
  echo "$program is not built; run without --no-build." >&2
  exit 1
fi

export OMP_WAIT_POLICY=PASSIVE
exec dotnet "$program" "${args[@]+"${args[@]}"}"
