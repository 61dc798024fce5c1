"""The e2e's shop: Django served by gunicorn or uWSGI, Celery workers fed through Redis, MariaDB and
memcached behind them, as a team writes it before it has heard of OpenTelemetry (nothing here imports it).

  web:     gunicorn --workers 2 --bind 0.0.0.0:8080 shop.wsgi
  worker:  celery -A shop worker --pool prefork --concurrency 2 --max-tasks-per-child 1

Configured from the environment: DB_HOST, DB_NAME, DB_USER, DB_PASSWORD, MEMCACHED (host:port), REDIS_URL.
"""
import pymysql

# Django's MySQL backend speaks to MySQLdb's API; PyMySQL provides it without a C compiler in the image
pymysql.install_as_MySQLdb()

from .celery import app as celery_app  # noqa: E402  (Django's documented way: the app loads with Django)

__all__ = ["celery_app"]
