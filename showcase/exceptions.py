"""Typed errors of the gallery; ``message`` is written for the shopper."""

from __future__ import annotations


class GalleryError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(GalleryError):
    """Not this shopper's design or entry, or not signed in with a verified address."""


class EntryHidden(GalleryError):
    """Moderators hid this entry; only they can bring it back."""


class NotPublishable(GalleryError):
    """The design has no finished styled image to show."""
