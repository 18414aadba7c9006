"""The demo's surfaces: gunicorn configuration, the accounts list, the demo banner flag."""

from django.test import RequestFactory, override_settings

from onestop.core.context_processors import demo_banner
from onestop.demo import catalog
from onestop.ops.management.commands.demo import accounts_table
from onestop.ops.management.commands.serve import OnestopGunicorn


def test_gunicorn_application_takes_bind_and_workers():
    app = OnestopGunicorn(object(), {"bind": "127.0.0.1:8123", "workers": 3,
                                     "no_such_setting": 1})
    assert app.cfg.bind == ["127.0.0.1:8123"]
    assert app.cfg.workers == 3
    assert app.load() is app.application


def test_the_accounts_list_names_every_demo_account_and_the_password():
    table = accounts_table()
    for username, *_rest in catalog.STAFF:
        assert f"  {username} " in table
    assert catalog.DEMO_PASSWORD in table


def test_demo_banner_follows_the_setting():
    request = RequestFactory().get("/")
    with override_settings(ONESTOP_DEMO=True):
        assert demo_banner(request) == {"DEMO_MODE": True}
    with override_settings(ONESTOP_DEMO=False):
        assert demo_banner(request) == {"DEMO_MODE": False}
