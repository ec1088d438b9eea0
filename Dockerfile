# psp-sandbox server image: the server's runtime dependencies only, run as a fixed non-root UID.

# Build the wheel in a throw-away stage; the runtime stage never sees the sources.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY simulator ./simulator
COPY client ./client
COPY contracts ./contracts
COPY docs ./docs
COPY psp_sandbox ./psp_sandbox
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PSP_SANDBOX_HOST=0.0.0.0 \
    PSP_SANDBOX_PORT=8480 \
    PSP_SANDBOX_STORE=sqlite:////data/psp-sandbox.db
RUN groupadd --system --gid 10001 sandbox \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home sandbox \
 && mkdir /data && chown 10001:10001 /data
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels

USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 8480
# Settings come from PSP_SANDBOX_* (docker run -e PSP_SANDBOX_STORE=memory:// ...); the probe
# follows PSP_SANDBOX_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_sandbox/health' % os.environ.get('PSP_SANDBOX_PORT', '8480'), timeout=2)"]
CMD ["psp-sandbox", "serve"]
