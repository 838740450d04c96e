# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=otc.settings.production

RUN useradd --create-home --uid 1000 otc
WORKDIR /app

COPY requirements.lock ./
RUN pip install --upgrade pip && pip install -r requirements.lock

COPY --chown=otc:otc . .

# Static files are collected at build time; the values below exist only for this step.
RUN SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0123456789 \
    ALLOWED_HOSTS=build DATABASE_URL=postgresql://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 EMAIL_URL=smtp://build \
    DEFAULT_FROM_EMAIL=build@localhost CUSTODY_WEBHOOK_SECRET=build-only \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown otc:otc /app/media

USER otc
EXPOSE 8000
CMD ["uvicorn", "otc.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--proxy-headers", "--forwarded-allow-ips", "*", "--ws-max-size", "65536"]
