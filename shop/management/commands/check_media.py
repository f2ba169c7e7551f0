"""``manage.py check_media``: rows whose file is missing from the media store (exit 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shop.media_check import leftover_temporaries, missing_objects


class Command(BaseCommand):
    help = (
        "Check every row that references a media file against the store (filesystem or S3) "
        "and list the rows whose object is missing; also list uncommitted temporaries."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(
            "labels",
            nargs="*",
            help="Only these apps or models (e.g. styling, printing.PrintFile); default: all.",
        )

    def handle(self, *args: object, **options: object) -> None:
        labels = set(options["labels"] or []) or None  # type: ignore[arg-type]
        missing = 0
        for row in missing_objects(labels=labels):
            missing += 1
            self.stdout.write(f"MISSING {row}")
        for alias, name in leftover_temporaries():
            self.stdout.write(f"LEFTOVER {alias}: {name} (an uncommitted write; safe to delete)")
        if missing:
            raise CommandError(f"{missing} row(s) reference objects missing from the media store")
        self.stdout.write(self.style.SUCCESS("Every referenced media object is in the store."))
