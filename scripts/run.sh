#!/usr/bin/env bash
# Sets everything up and runs the bot on http://127.0.0.1:3978/api/messages with the council's sample
# plan loaded and a round open, so there is something to ask about. Safe to run again: importing the
# same document changes nothing, and an open round is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cli=.venv/bin/scrutiny-bot

"$cli" db upgrade
"$cli" import samples/progress-update-march-2020.docx
"$cli" round open "September 2020" --if-none-open --deadline "$(date -d '+3 weeks' +%F)"
"$cli" status
exec "$cli" serve "$@"
