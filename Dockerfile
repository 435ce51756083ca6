FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY . .
# Editable, so that BASE_DIR (templates/, static/, seeds/) is /app, not site-packages.
RUN pip install --editable .
# collectstatic needs settings but no database or real secret.
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 pizhu
USER pizhu
EXPOSE 8000
CMD ["gunicorn", "library.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
