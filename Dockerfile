# The dashboard in a container: Debian slim, the hash-locked dependencies, a non-root user.
#   docker build -t outreach-coverage .
#   docker run --rm -p 127.0.0.1:8501:8501 outreach-coverage
# Captures go to SQLite under /app/var unless OUTREACH_STORE_URL names a database (see README, "Deploying").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Chromium: kaleido draws the PNG exports with it (it finds Debian's /usr/bin/chromium by itself).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
WORKDIR /app

# Dependencies first, from the lock only (exact versions, every file hash-checked), so code changes reuse
# this layer.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md app.py ./
COPY .streamlit ./.streamlit
COPY src ./src
COPY pages ./pages
COPY data ./data
# Editable, as `make` does: analysis.paths finds data/ next to src/, so the package stays in /app.
RUN pip install --no-deps -e . \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app
EXPOSE 8501

# Streamlit's own liveness endpoint; python is used because the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]

# 0.0.0.0 inside the container only (config.toml says 127.0.0.1 for `make run`); publish the port on the host's
# loopback, or put a proxy in front.
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
