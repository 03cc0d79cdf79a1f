#!/usr/bin/env bash
# start DIR: starts a throwaway PostgreSQL 15 on 127.0.0.1 with its data in DIR and prints its URL.
# stop DIR: stops it. PostgreSQL refuses to run as root, so as root it runs as user "scrutinypg".
set -euo pipefail
action=$1 dir=$2
bin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u scrutinypg -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    if [ "$(id -u)" = 0 ] && ! id scrutinypg >/dev/null 2>&1; then useradd -m scrutinypg; fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown scrutinypg "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1
    as_owner "$bin/pg_ctl" -D "$dir/data" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" \
      -l "$dir/server.log" -w start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac
