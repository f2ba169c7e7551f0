"""Demo data for the embedded stack: the site, its home page and an admin.

Every function is idempotent: running ``seed_demo`` twice leaves one of
everything and keeps what an editor changed in between.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page, Site

from shop.models import HomePage

log = logging.getLogger(__name__)

HOME_BODY = [
    {
        "type": "hero",
        "value": {
            "heading": "Your photo, hand-inked like a 90s anime cel",
            "text": "Upload a photo, pick a look, and we print it on a mug, a poster or a phone case.",
            "button_label": "Make yours",
            "button_url": "/create/",
        },
    },
    {"type": "featured_styles", "value": {"heading": "Pick a look", "limit": 6}},
    {"type": "featured_products", "value": {"heading": "Put it on something", "limit": 6}},
    {"type": "featured_designs", "value": {"heading": "Fresh from the gallery", "limit": 6}},
]


@dataclass(frozen=True)
class AdminCredentials:
    username: str
    password: str | None  # None when the account existed and its password was kept.


@transaction.atomic
def seed_site() -> HomePage:
    """Make a ``HomePage`` the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if home is None:
        home = HomePage(title="Retrocel", slug="home", body=HOME_BODY)
        # Wagtail's initial migration creates a placeholder page with slug "home"; free the slug.
        for placeholder in root.get_children().exclude(content_type__model="homepage"):
            if placeholder.slug == "home":
                placeholder.slug = "wagtail-welcome"
                placeholder.save(update_fields=["slug"])
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Retrocel",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Retrocel"
        site.save()
    for placeholder in root.get_children().filter(slug="wagtail-welcome"):
        placeholder.delete()
    return home


def credentials_file() -> Path:
    return settings.VAR_DIR / "admin-credentials.txt"


def seed_admin(username: str, password: str | None, email: str) -> AdminCredentials:
    """Create the superuser once; a password from the environment always wins.

    A generated password is written to ``var/admin-credentials.txt`` (a
    development-only folder) so ``make run`` can show it again on later starts.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None and password is None:
        return AdminCredentials(username, None)
    if password is None:
        password = secrets.token_urlsafe(12)
        path = credentials_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{username} {password}\n")
        path.chmod(0o600)
    if user is None:
        user_model.objects.create_superuser(username=username, email=email, password=password)
    else:
        user.set_password(password)
        user.is_superuser = user.is_staff = True
        user.save()
    return AdminCredentials(username, password)
