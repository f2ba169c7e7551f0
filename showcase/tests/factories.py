"""Flat factories for gallery and account tests: shoppers (verified or not), designs, entries."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from showcase.models import Entry
from styling.tests.factories import DesignFactory, flat_png

PASSWORD = "a-long-test-password-42"


class ShopperFactory(factory.django.DjangoModelFactory):
    """A shopper as allauth makes one; ``verified=False`` leaves the address unconfirmed."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


def design_of(user, **kwargs):  # type: ignore[no-untyped-def]
    """A finished design with a mockup whose upload belongs to ``user`` (as after adoption)."""
    kwargs.setdefault("mockup", ContentFile(flat_png((64, 64)), name="mockup.png"))
    return DesignFactory(
        job__upload__owner_user=user, job__upload__owner_session=f"s-{user.pk}", **kwargs
    )


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    owner = factory.SubFactory(ShopperFactory)
    design = factory.LazyAttribute(lambda o: design_of(o.owner))
    style = factory.LazyAttribute(lambda o: o.design.job.style)
    title = factory.Sequence(lambda n: f"Sunset {n}")
    caption = ""
    published_at = factory.LazyFunction(timezone.now)
