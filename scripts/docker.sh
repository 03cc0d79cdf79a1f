#!/usr/bin/env bash
# Makes Docker ready for tests/test_container.py where this machine allows: a running daemon (Debian's
# docker.io, started here if it is installed or can be) and a base image (python:3.11-slim-bookworm, or,
# where Docker Hub cannot be reached, one made from Debian's own packages with this machine's CA
# certificates, so pip inside the build reaches PyPI as pip here does). Never fails: where something
# cannot be had, it writes why to var/docker/skip, and the container test is skipped saying so.
set -uo pipefail
cd "$(dirname "$0")/.."
state=var/docker
mkdir -p "$state"
rm -f "$state/skip" "$state/base"
skip() { echo "$1" > "$state/skip"; echo "Docker: $1 (the container test will be skipped)." >&2; exit 0; }

if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || skip "no Docker daemon is running, and starting one needs root"
  if ! command -v dockerd >/dev/null; then
    command -v apt-get >/dev/null || skip "no Docker daemon, and no apt-get to install Debian's docker.io"
    apt-get install -y -q docker.io >"$state/install.log" 2>&1 || skip "Debian's docker.io could not be installed"
  fi
  nohup dockerd >"$state/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || skip "dockerd would not start here: $(tail -1 "$state/dockerd.log")"
fi

base=python:3.11-slim-bookworm
if docker image inspect "$base" >/dev/null 2>&1 || timeout 60 docker pull -q "$base" >/dev/null 2>&1; then
  echo "$base" > "$state/base"
  exit 0
fi
base=scrutiny-base:bookworm
if ! docker image inspect "$base" >/dev/null 2>&1; then
  echo "Docker Hub is out of reach: making a Debian bookworm base image from Debian's packages (a minute or two)..." >&2
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >>"$state/install.log" 2>&1 \
    || skip "Docker Hub is out of reach, and debootstrap could not be installed to make a base image"
  rootfs=$(mktemp -d /tmp/scrutiny-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$rootfs" \
      http://deb.debian.org/debian >"$state/debootstrap.log" 2>&1 \
    || skip "Docker Hub is out of reach, and debootstrap could not fetch Debian bookworm"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  tar -C "$rootfs" -c . | docker import --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
      --change 'CMD ["/bin/bash"]' - "$base" >/dev/null || skip "the base image could not be imported"
fi
echo "$base" > "$state/base"
