"""WSGI entry point for the test Keystone under gunicorn (scripts/keystone.sh).

keystone.wsgi.api builds the app at import time and hands sys.argv to oslo.config,
which rejects gunicorn's own options ("gunicorn: error: unrecognized arguments: --bind
..."), so clear them first. The config files come from OS_KEYSTONE_CONFIG_DIR and
OS_KEYSTONE_CONFIG_FILES (keystone/server/flask/core.py:_get_config_files).
"""
import sys

sys.argv = sys.argv[:1]

from keystone.wsgi.api import application  # noqa: E402,F401
