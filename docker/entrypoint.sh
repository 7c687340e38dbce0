#!/bin/sh
# Entrypoint of the production image: optionally apply migrations, then run the command
# (gunicorn by default; celery worker/beat in docker/compose.yaml).
set -eu

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
