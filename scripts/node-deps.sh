#!/usr/bin/env bash
# Installs the npm packages the tests use into tests/playground/node_modules: Microsoft 365 Agents
# Playground (the Teams emulator), @microsoft/app-manifest (the Teams manifest JSON schemas), the Agents
# Toolkit CLI (atk validate) and axe-core (the committee's page checked for WCAG 2.2 AA in Chromium).
# Versions are pinned by tests/playground/package-lock.json; does nothing when already installed.
set -euo pipefail
cd "$(dirname "$0")/../tests/playground"
if ! command -v npm >/dev/null; then
  echo "npm not found: the Agents Playground test will be skipped (install Node.js 20+ to run it)." >&2
  exit 0
fi
stamp=node_modules/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing the Agents Playground and the Teams manifest schemas (npm, once)..."
  # No install scripts: neither package needs one, and nothing may download at run time.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  rm -f node_modules/.installed-* && touch "$stamp"
fi
