"""Loaded with `-p` before pytest-django reads the settings: the test run's environment."""

import os

os.environ.setdefault("NEWSDESK_ALLOW_INSECURE_KEY", "1")
# Static files from the source folders: no collectstatic before the tests.
os.environ.setdefault("NEWSDESK_STATIC_MANIFEST", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# themselves make (creating data) are still synchronous, so this is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
