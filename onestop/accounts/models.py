from typing import Any

from django.conf import settings
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
    cccd = models.CharField(_("personal identification number"), max_length=12, blank=True)

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


class Lockout(models.Model):
    """Sign-in, password reset or sign-up refused for a while to one account or address.

    One row per (scope, by, key), updated in place each time the key is locked again; every
    lock and every lift is also an audit event, so the history lives in the audit log.
    """

    class Scope(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")
        PASSWORD_RESET = "password_reset", _("password reset")
        SIGN_UP = "sign_up", _("sign-up")

    class By(models.TextChoices):
        ACCOUNT = "account", _("account")
        ADDRESS = "address", _("IP address")

    scope = models.CharField(_("what"), max_length=20, choices=Scope.choices)
    by = models.CharField(_("for"), max_length=10, choices=By.choices)
    # "user:12", "login:0912345678" or "email:a@b.vn" for accounts; the IP for addresses.
    key = models.CharField(_("key"), max_length=200)
    label = models.CharField(_("account or address"), max_length=254)
    attempts = models.PositiveIntegerField(_("attempts counted"), default=0)
    locked_at = models.DateTimeField(_("locked at"))
    until = models.DateTimeField(_("locked until"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("lifted by"))

    class Meta:
        ordering = ["-locked_at"]
        verbose_name = _("lock-out")
        verbose_name_plural = _("lock-outs")
        constraints = [models.UniqueConstraint(fields=["scope", "by", "key"],
                                               name="lockout_once_per_key")]
        indexes = [models.Index(fields=["key", "until"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.label}"

    def is_active(self, now: Any) -> bool:
        return self.lifted_at is None and self.until > now


class Business(models.Model):
    """An organisation (enterprise, cooperative, household business) a citizen account files for.

    Made by its legal representative, or by a person the representative authorised, from their
    own citizen account (issue 10: "a business account is made by its representative"). The
    tax code is what the holder declares: the agency checks it against the national business
    registry when it receives a dossier, as it checks an individual's CCCD.
    """

    class Holder(models.TextChoices):
        REPRESENTATIVE = "representative", _("I am its legal representative")
        AUTHORISED = "authorised", _("I file for it with an authorisation")

    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="businesses",
                                verbose_name=_("account"))
    name = models.CharField(_("name of the organisation"), max_length=300)
    # Mã số doanh nghiệp = mã số thuế (onestop.core.identifiers.normalise_tax_code).
    tax_code = models.CharField(_("enterprise (tax) code"), max_length=14)
    head_office = models.CharField(_("head office address"), max_length=300)
    representative = models.CharField(_("legal representative"), max_length=200)
    holder = models.CharField(_("the account holder is"), max_length=16, choices=Holder.choices,
                              default=Holder.REPRESENTATIVE)
    authorisation = models.CharField(_("authorisation document"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("registered at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("applicant business")
        verbose_name_plural = _("applicant businesses")
        constraints = [
            models.UniqueConstraint(fields=["account", "tax_code"],
                                    condition=models.Q(removed_at__isnull=True),
                                    name="business_one_per_tax_code_per_account"),
            # Someone not the representative files with an authorisation (docs/domain.md §13).
            models.CheckConstraint(
                condition=models.Q(holder="representative") | ~models.Q(authorisation=""),
                name="business_authorised_holder_names_the_authorisation"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"
