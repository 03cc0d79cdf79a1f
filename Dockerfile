# The bot's image: `docker build -t scrutiny-bot .`, then `docker compose up` (compose.yaml) or run it
# behind your own PostgreSQL. It serves /api/messages on port 3978 as a user with no rights to its code.
# BASE must be a Debian bookworm image with python3 and python3-venv (python:3.11-slim-bookworm has
# them); the tests build on one made from Debian's packages where Docker Hub cannot be reached.
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY cards ./cards
COPY store ./store
COPY documents ./documents
COPY understanding ./understanding
COPY page ./page
# A venv of the project and its packages only: nothing to compile, so no build tools in either stage.
RUN python3 -m venv /opt/scrutiny \
    && /opt/scrutiny/bin/pip install --no-cache-dir --disable-pip-version-check . \
    && rm -rf /src

FROM ${BASE}
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin scrutiny \
    && mkdir -p /var/lib/scrutiny && chown scrutiny /var/lib/scrutiny
COPY --from=build /opt/scrutiny /opt/scrutiny
ENV PATH=/opt/scrutiny/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATABASE_URL=sqlite:////var/lib/scrutiny/scrutiny.db \
    SCRUTINY_LOG_FORMAT=json
WORKDIR /var/lib/scrutiny
USER 10001
EXPOSE 3978
# Ready, not just alive: the database answers and is migrated (bot/app.py, /readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import os, sys, urllib.request as u; sys.exit(u.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz', timeout=4).status != 200)"]
# SIGTERM (docker stop) lets turns in progress finish: SCRUTINY_SHUTDOWN_SECONDS, under docker's 10 s.
STOPSIGNAL SIGTERM
ENV SCRUTINY_SHUTDOWN_SECONDS=8
ENTRYPOINT ["scrutiny-bot"]
CMD ["serve"]
