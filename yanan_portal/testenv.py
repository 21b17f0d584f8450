"""A pytest plugin (loaded by pytest.ini before Django starts) that sets the test environment.

Tests run with DEBUG off, as production does, but may use the checkout's generated key
and plain HTTP.
"""

import os

os.environ.setdefault("PORTAL_LOCAL", "1")
os.environ.setdefault("HTTPS", "off")
