#!/usr/bin/env bash
# Install the course (first run only) and open it in JupyterLab, starting at lesson 1.
# Extra arguments go to JupyterLab, e.g.: bash scripts/start.sh --no-browser --port 8899
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" ""
cd "$ROOT"
args=(--notebook-dir="$ROOT")
[ "$(id -u)" = "0" ] && args+=(--allow-root)   # containers and hubs often run as root
first="$(ls lessons/*.ipynb 2>/dev/null | head -n 1)"
exec jupyter lab "${args[@]}" ${first:+"$first"} "$@"
