"""WSGI entry point for gunicorn in the HTTP benchmark (forces the perf settings)."""

import os

from django.core.wsgi import get_wsgi_application

# Forced, not setdefault: a DJANGO_SETTINGS_MODULE left in the shell must not send the
# benchmark's traffic to another database.
os.environ["DJANGO_SETTINGS_MODULE"] = "perf.settings_perf"
application = get_wsgi_application()
