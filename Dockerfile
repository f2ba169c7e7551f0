# Production image for web and workers. GPU workers build with
#   --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128
# to install the CUDA build of the same torch version.
# The build context is an allowlist (.dockerignore): no .env, var/, .venv or node_modules.
FROM node:22-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM python:3.11-slim-bookworm
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 RETROCEL_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shop shop
COPY catalog catalog
COPY styling styling
COPY orders orders
COPY printing printing
COPY accounts accounts
COPY showcase showcase
COPY ml ml
RUN pip install --no-cache-dir torch==2.13.0 --index-url ${TORCH_INDEX} \
    && pip install --no-cache-dir .
COPY . .
COPY --from=assets /assets/node_modules node_modules
RUN SECRET_KEY=build-only-collectstatic-key-0000000000000 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 retrocel && mkdir -p /app/var && chown -R retrocel /app/var
USER retrocel
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz/', timeout=4)"]
CMD ["gunicorn", "shop.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
