import os

os.environ.setdefault("NEWSDESK_ALLOW_INSECURE_KEY", "1")
