#!/usr/bin/env bash
# The whole test suite, on SQLite and on a real PostgreSQL server this script starts on loopback,
# then ruff and mypy. Installs what it needs first. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/node-deps.sh  # includes axe-core, which checks the committee's page for WCAG 2.2 AA
# Debian's Chromium (apt, as root): the card tests render in it, and Playwright opens the committee's page in it
tools/card-renderer/install.sh
scripts/docker.sh  # a Docker daemon and a base image for the container test, where this machine allows
. .venv/bin/activate

pgdir=$(mktemp -d /tmp/scrutiny-pg.XXXXXX)
chmod 755 "$pgdir"
trap 'scripts/postgres.sh stop "$pgdir"' EXIT
SCRUTINY_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pgdir")
export SCRUTINY_TEST_POSTGRES_URL

ruff check .
mypy
pytest "$@"
