"""One bot in its own process, as in production: `python bench/serve.py ours|echo DATABASE_URL [WORKERS]`.

It prints "READY <port> <pid>..." (the processes that serve) once listening on 127.0.0.1, and stops
when its stdin closes, so it never outlives the benchmark that started it. With WORKERS above 1 (ours,
on PostgreSQL) it starts that many worker processes on one port, as `scrutiny-bot serve --workers`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web

from bot.settings import Settings


def _app(kind: str, settings: Settings) -> web.Application:
    if kind in ("echo", "echo-reused"):
        from bench.echo import create_echo_app

        return create_echo_app(settings, reuse_clients=kind == "echo-reused")
    from bot.app import create_app

    return create_app(settings)


def _stdin_closed(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    # Its own thread, not the default executor: that pool is where the SDK sends replies.
    def wait_for_stdin_to_close() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_stdin_to_close, daemon=True).start()


def _listening(pid: int, port: int) -> bool:
    """Whether process `pid` has a socket listening on `port` (from /proc: Linux, as the benchmark is)."""
    listening = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rpartition(":")[2], 16) == port:  # 0A: LISTEN
            listening.add(fields[9])  # the socket's inode
    fd = Path(f"/proc/{pid}/fd")
    owned = set()
    for entry in fd.iterdir() if fd.exists() else ():
        try:
            target = os.readlink(entry)
        except OSError:
            continue
        if target.startswith("socket:["):
            owned.add(target[len("socket:[") : -1])
    return bool(listening & owned)


async def serve_workers(database_url: str, workers: int) -> None:
    from bot.app import start_workers, stop_workers

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        _env_file=None, database_url=database_url, host="127.0.0.1", port=port, workers=workers
    )  # type: ignore[call-arg]
    processes = start_workers(settings)
    try:
        while not all(_listening(process.pid, port) for process in processes if process.pid):
            await asyncio.sleep(0.1)
        stop = asyncio.Event()
        _stdin_closed(asyncio.get_running_loop(), stop)
        print(f"READY {port} {' '.join(str(process.pid) for process in processes)}", flush=True)
        await stop.wait()
    finally:
        await asyncio.to_thread(stop_workers, processes)


async def serve(kind: str, database_url: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url, host="127.0.0.1", port=0)  # type: ignore[call-arg]
    app = _app(kind, settings)
    if kind == "ours":
        from bot.app import settle_memory

        settle_memory()
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    stop = asyncio.Event()
    _stdin_closed(asyncio.get_running_loop(), stop)
    print(f"READY {port} {os.getpid()}", flush=True)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    kind, database_url = sys.argv[1], sys.argv[2]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    # As `scrutiny-bot serve` does; the lines go to the log file the benchmark gives as stderr.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve_workers(database_url, workers) if workers > 1 else serve(kind, database_url))


if __name__ == "__main__":
    main()
