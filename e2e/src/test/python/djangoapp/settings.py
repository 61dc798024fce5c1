"""A minimal Django project served by gunicorn in the e2e; no OpenTelemetry in it."""
import logging
import sys

SECRET_KEY = "e2e-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "djangoapp.urls"
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {}
USE_TZ = True
LOGGING_CONFIG = None

# what the injected SDK warns about (an export that failed or timed out) also goes to the worker's stderr, where
# the e2e test's failure message shows it: the SDK's own log records are not exported
logging.getLogger("opentelemetry").addHandler(logging.StreamHandler(sys.stderr))
