import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
application = get_wsgi_application()

from onestop.core.secrets import require_secret_key  # noqa: E402  (needs the apps loaded)

# Any WSGI server (gunicorn, uWSGI, mod_wsgi) loading the site: never on the published key.
require_secret_key("the web server")
