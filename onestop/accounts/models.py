from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Anyone who signs in: staff (with roles per agency, see agencies.Membership) or citizens.

    A custom user model from day one: swapping it later is one of Django's hardest migrations.
    """

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Căn cước công dân: 12 digits (see onestop.core.identifiers.validate_cccd).
    cccd = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
