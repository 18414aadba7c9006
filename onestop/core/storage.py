"""Where stored files live: the local disk (the default) or an S3-compatible object store.

`ONESTOP_STORAGE_URL=s3://KEY:SECRET@host:port/bucket?region=…&secure=false` puts every
uploaded document, result, signed PDF and generated file in the bucket through Django's storage
API (django-storages' S3 backend over boto3), so that every web and worker host sees the same
files (issue 14). Downloads still go through `core.uploads.stored_file_response` after the
view's access check: the store's own URLs are never handed out.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def storage_from_url(url: str) -> dict[str, Any]:
    """The STORAGES["default"] entry a storage URL names (empty: the local disk)."""
    if not url:
        return dict(LOCAL)
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"ONESTOP_STORAGE_URL: only s3:// is understood, not {parts.scheme}://")
    bucket = parts.path.strip("/")
    if not bucket or "/" in bucket:
        raise ImproperlyConfigured("ONESTOP_STORAGE_URL names one bucket: s3://…@host/bucket")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    secure = query.get("secure", "true").lower() not in ("0", "false", "no")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "access_key": unquote(parts.username or ""),
        "secret_key": unquote(parts.password or ""),
        "region_name": query.get("region", "us-east-1"),
        # Objects are private; only the platform reads them (after its access checks).
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        # A name is never overwritten: two uploads of "scan.pdf" keep both.
        "file_overwrite": False,
        "location": query.get("prefix", ""),
    }
    if parts.hostname:
        scheme = "https" if secure else "http"
        port = f":{parts.port}" if parts.port else ""
        options["endpoint_url"] = f"{scheme}://{parts.hostname}{port}"
        # Self-hosted stores (SeaweedFS, MinIO, Ceph) answer at path-style addresses.
        options["addressing_style"] = query.get("addressing", "path")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
