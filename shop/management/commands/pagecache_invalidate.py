"""``manage.py pagecache_invalidate``: make every cached storefront page stale now.

For content changed where no signal or ``pagecache.changed()`` call sees it (SQL run by
hand, a shell ``QuerySet.update``, a data migration). Replaces the tokens of every scope;
the entries themselves expire on their own.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from shop.pagecache import generations


class Command(BaseCommand):
    help = "Invalidate every page in the shared page cache (all scopes)."

    def handle(self, *args: object, **options: object) -> None:
        for scope in generations.SCOPES:
            generations.bump(scope)
        self.stdout.write("Page cache invalidated.")
