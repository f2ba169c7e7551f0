"""The public gallery page as entries grow: SQL queries and server time per request.

Usage::

    python bench/gallery_listing.py                  # 5, 50 and 500 entries, 20 requests each
    python bench/gallery_listing.py --sizes 5 2000 --requests 50

Runs in a fresh var folder (SQLite, migrated here), fills it with published entries
through the test factories (dev dependencies), and renders ``/gallery/`` (newest and most
liked, anonymous and signed in) with Django's test client, in process: it measures our
view, template and queries, not a web server. Prints one line per size and variant.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="retrocel-gallery-bench-"))
    os.environ.update(RETROCEL_VAR_DIR=str(var), LOG_LEVEL="WARNING", DJANGO_DEBUG="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    from showcase.tests.factories import EntryFactory, ShopperFactory, design_of
    from styling.tests.factories import StyleFactory

    owner, viewer = ShopperFactory(), ShopperFactory()
    style = StyleFactory()
    made = 0
    print(f"var: {var}")
    print("entries  variant              queries  median ms  p95 ms")
    for size in sorted(args.sizes):
        for _ in range(size - made):
            EntryFactory(owner=owner, design=design_of(owner, job__style=style), style=style)
        made = size
        for label, client, url in (
            ("newest, anonymous", Client(), "/gallery/"),
            ("liked, signed in", _signed_in(Client(), viewer), "/gallery/?sort=liked"),
        ):
            client.get(url)  # warm
            timings = []
            for _ in range(args.requests):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(
                f"{size:7d}  {label:20s} {len(ctx.captured_queries):8d}"
                f"  {statistics.median(timings):9.1f}  {p95:6.1f}"
            )


def _signed_in(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


if __name__ == "__main__":
    main()
