# A minimal image for those who deploy with containers. (No container engine
# runs on the development machines; this file is kept simple and reviewed by
# hand — see docs/deploy.md.)
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=0
WORKDIR /app
# Tesseract with Russian: recognition of scanned orders (docs/documents.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*
# Only the runtime set (requirements.txt, locked with hashes); the development
# set (requirements-dev.txt: pytest, Playwright, ruff...) never enters the image.
COPY requirements.txt .
RUN pip install --no-cache-dir "pip==26.3" "setuptools==80.9.0" "wheel==0.45.1" \
 && pip install --no-cache-dir --require-hashes --no-build-isolation -r requirements.txt
COPY . .
# collectstatic needs a key only to import settings; the real one comes at run time.
RUN DJANGO_SECRET_KEY=build-only-key-not-used-at-runtime-000000000000000000 DATABASE_URL=postgres://x@localhost/x \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app leanedu && mkdir -p /app/var && chown leanedu /app/var
USER leanedu
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
