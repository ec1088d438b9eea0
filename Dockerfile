FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY simulator ./simulator
COPY client ./client
COPY contracts ./contracts
COPY psp_sandbox ./psp_sandbox
RUN pip install --no-cache-dir . && useradd --create-home sandbox && mkdir /data && chown sandbox /data

USER sandbox
VOLUME /data
EXPOSE 8480
CMD ["psp-sandbox", "serve", "--host", "0.0.0.0", "--port", "8480", "--store", "sqlite:////data/psp-sandbox.db"]
