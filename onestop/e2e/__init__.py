"""Browser tests: Chromium driven by Playwright for Python against the app on a live server.

Not a Django app: tests, their fixtures (conftest.py), helpers (browser.py) and test assets
(assets/, see assets/README.md). Skipped as a whole when Playwright or /usr/bin/chromium is
missing; CI installs both (.ci/run, the `test` extra).
"""
