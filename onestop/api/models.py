"""API credentials: refresh-token families and their one-time refresh tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenFamily(models.Model):
    """One sign-in of one app: every refresh token it rotates through belongs to it.

    Access tokens carry the family id, so revoking the family (sign-out, reuse of a spent
    refresh token) ends them too; `password_mark` ends them when the password changes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_token_families")
    audience = models.CharField(max_length=10)  # "citizen" or "staff"
    password_mark = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]


class RefreshToken(models.Model):
    """A one-time refresh token, stored as its SHA-256 (the token itself is never stored)."""

    family = models.ForeignKey(TokenFamily, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

