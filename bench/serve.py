"""One bot in its own process, as in production: `python bench/serve.py ours|echo DATABASE_URL`.

It prints "READY <port>" once listening on 127.0.0.1 and stops when its stdin closes, so it never
outlives the benchmark that started it.
"""

from __future__ import annotations

import asyncio
import logging
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
    loop = asyncio.get_running_loop()

    def wait_for_stdin_to_close() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    # Its own thread, not the default executor: that pool is where the SDK sends replies.
    threading.Thread(target=wait_for_stdin_to_close, daemon=True).start()
    print(f"READY {port}", flush=True)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    kind, database_url = sys.argv[1], sys.argv[2]
    # As `scrutiny-bot serve` does; the lines go to the log file the benchmark gives as stderr.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(kind, database_url))


if __name__ == "__main__":
    main()
