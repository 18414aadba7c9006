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
    def is_citizen(self) -> bool:
        """A citizen is an account with no staff role, no admin access and no superuser flag.

        Derived, not stored: roles (agencies.Membership) are already the one fact the back
        office trusts, so a stored kind could only drift from them. A person who is both an
        officer and an applicant keeps two accounts: staff and citizens never share a
        sign-in page or session rules (issue 3). Cached per instance (one query).
        """
        cached: bool | None = getattr(self, "_onestop_is_citizen", None)
        if cached is None:
            cached = not (self.is_staff or self.is_superuser) and (
                self.pk is None or not self.memberships.exists()  # type: ignore[attr-defined]
            )
            self._onestop_is_citizen = cached
        return cached

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
