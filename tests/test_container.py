"""The container: the Dockerfile is lint-clean (hadolint), compose migrates before the bot starts, and
the image built here answers /readyz and a Teams-shaped activity. scripts/docker.sh (run by the test
command) gets a Docker daemon and a base image where this machine allows; where not, it says why,
and the image test is skipped with that reason."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml
from chat import DEFAULT_USER, Chat
from fake_connector import FakeConnector
from test_hosting import Workers

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "var/docker"


def test_the_dockerfile_is_lint_clean() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    linted = subprocess.run([hadolint, ROOT / "Dockerfile"], capture_output=True, text=True, timeout=60)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    final = dockerfile.rsplit("\nFROM ", 1)[1]  # the stage that ships
    assert "USER 10001" in final and "HEALTHCHECK" in final and "/readyz" in final
    assert "gcc" not in final and "build-essential" not in final


def test_compose_migrates_once_before_the_bot_starts() -> None:
    services = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["bot"]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["bot"]["command"] == ["serve", "--workers", "2"]
    assert services["bot"]["environment"]["DATABASE_URL"].startswith("postgresql://")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_image_answers_readyz_and_a_teams_activity(fake_connector: FakeConnector) -> None:
    if shutil.which("docker") is None or not (STATE / "base").exists():
        reason = (
            (STATE / "skip").read_text().strip() if (STATE / "skip").exists() else "scripts/docker.sh not run"
        )
        pytest.skip(f"no Docker here: {reason}")
    base = (STATE / "base").read_text().strip()
    built = await asyncio.to_thread(
        subprocess.run,
        [
            "docker",
            "build",
            "--network",
            "host",
            "--build-arg",
            f"BASE={base}",
            "-t",
            "scrutiny-bot:test",
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    port = _free_port()
    # Host networking: the container reaches the fake connector on this machine's loopback, and on
    # loopback it may run without an app id.
    run = ["docker", "run", "-d", "--network", "host", "-e", f"PORT={port}", "-e", "HOST=127.0.0.1"]
    started = subprocess.run([*run, "scrutiny-bot:test"], capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
    container = started.stdout.strip()
    try:
        served = Workers(f"http://127.0.0.1:{port}", fake_connector)
        await served.started(seconds=30)
        async with aiohttp.ClientSession() as http, http.get(f"{served.url}/readyz") as ready:
            assert ready.status == 200 and (await ready.json())["status"] == "ready"
        fake_connector.add_member(DEFAULT_USER)
        (reply,) = await Chat(served, user=DEFAULT_USER, scope="personal").say("help")  # type: ignore[arg-type]
        assert reply.text.startswith("Here is what I can do")
        user = subprocess.run(
            ["docker", "exec", container, "id", "-u"], capture_output=True, text=True, timeout=30
        )
        assert user.stdout.strip() == "10001"  # not root
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, timeout=60)
