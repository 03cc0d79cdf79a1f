#!/usr/bin/env bash
# Talk to the bot on your own machine, in Microsoft 365 Agents Playground (Microsoft's Teams emulator):
# starts the bot and the playground on 127.0.0.1 and prints the address to open. Ctrl-C stops both.
#
# It uses its own database (var/playground.db, or PLAYGROUND_DATABASE_URL) holding the sample
# progress update, a September 2020 round left open, and the playground's mock user, Alex Wilber
# (alexw@example.com), as an admin, so "update" works straight away. No Microsoft account needed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "The Agents Playground runs on Node.js: install Node.js 20 or newer (node and npm), then try again." >&2
  exit 1
fi
scripts/setup.sh
scripts/node-deps.sh
. .venv/bin/activate

mkdir -p var/playground
export DATABASE_URL=${PLAYGROUND_DATABASE_URL:-sqlite:///var/playground.db}
# Local mode: no app id, so no Bot Framework authentication, which is why everything stays on loopback.
# Set empty here so a .env meant for Azure does not apply.
export MicrosoftAppId= MicrosoftAppPassword= MicrosoftAppTenantId= HOST=127.0.0.1
export PORT=${BOT_PORT:-3978}
playground_port=${PLAYGROUND_PORT:-56150}
# The playground's default mock user (its web UI signs you in as them).
user_name="Alex Wilber" user_email="alexw@example.com"

echo "Preparing the playground's database ($DATABASE_URL)..."
scrutiny-bot import samples/progress-update-march-2020.docx >/dev/null
scrutiny-bot round open "September 2020" --deadline "$(date -d "+3 weeks" +%F)" --if-none-open >/dev/null
scrutiny-bot people add "$user_name" --email "$user_email" --role officer --role admin >/dev/null

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'echo " Stopping the bot and the playground."; exit 130' INT TERM

scrutiny-bot serve >var/playground/bot.log 2>&1 &
pids+=($!)

# It listens on every interface and has no flag for that: the preload pins it to 127.0.0.1.
# Its own logs go to var/playground/devTools/.
(
  cd var/playground
  NODE_OPTIONS="--require $PWD/../../tests/playground/loopback.js" \
    exec ../../tests/playground/node_modules/.bin/agentsplayground \
    -e "http://127.0.0.1:$PORT/api/messages" -c msteams -p "$playground_port" \
    --service-url "http://127.0.0.1:$playground_port/_connector" --disable-telemetry
) >var/playground/playground.log 2>&1 &
pids+=($!)

answers() {
  python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null
}

# Wait for both; the playground takes another port if $playground_port is busy, and says which.
url=
for _ in $(seq 1 150); do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "Something failed to start. The bot's log:" >&2; tail -20 var/playground/bot.log >&2
      echo "The playground's log:" >&2; tail -20 var/playground/playground.log >&2
      exit 1
    fi
  done
  port=$(sed -n 's/.*Listening on \([0-9][0-9]*\).*/\1/p' var/playground/playground.log | head -1)
  if [ -n "$port" ] && answers "http://127.0.0.1:$PORT/healthz" && answers "http://127.0.0.1:$port/_debug/ping"; then
    url="http://127.0.0.1:$port"
    break
  fi
  sleep 0.2
done
if [ -z "$url" ]; then
  echo "The bot or the playground did not start within 30 seconds; logs are in var/playground/." >&2
  exit 1
fi

cat <<EOF

  Open $url in your browser.

  You are $user_name ($user_email), an admin of the sample review "Digital Optimisation",
  whose September 2020 round is open. Say "help" to start, or "update" to record a progress update.
  The bot: http://127.0.0.1:$PORT/api/messages   Logs: var/playground/   Ctrl-C stops both.

EOF
wait -n "${pids[@]}" || true
echo "The bot or the playground stopped; logs are in var/playground/." >&2
