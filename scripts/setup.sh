#!/usr/bin/env bash
# Creates .venv and installs the project with its dev tools; does nothing when already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing scrutiny-bot and its packages into .venv (a minute or two the first time)..."
  log=.venv/install.log
  if ! { .venv/bin/pip install --disable-pip-version-check --upgrade pip \
         && .venv/bin/pip install --disable-pip-version-check -e '.[dev]'; } >"$log" 2>&1; then
    tail -30 "$log"
    echo "Installing failed; the whole log is in $log" >&2
    exit 1
  fi
  rm -f .venv/.installed-* && touch "$stamp"
fi
