#!/usr/bin/env bash
# Installs what rendering cards needs: the npm packages here and Debian's Chromium (as root, once).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium)" >&2
    exit 1
  fi
fi
if [ ! -d node_modules/adaptivecards ] || [ ! -d node_modules/playwright-core ]; then
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
