"""ONESTOP_STORAGE_URL names the store: empty is the local disk, s3:// an object store."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from onestop.core.storage import storage_from_url


def test_empty_is_the_local_disk():
    assert storage_from_url("")["BACKEND"].endswith("FileSystemStorage")


def test_an_s3_url_gives_private_path_style_objects_that_are_never_overwritten():
    entry = storage_from_url("s3://key:s%2Fecret@store.local:8333/onestop?region=ap-southeast-1"
                             "&secure=false")
    o = entry["OPTIONS"]
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (o["bucket_name"], o["access_key"], o["secret_key"]) == ("onestop", "key", "s/ecret")
    assert o["endpoint_url"] == "http://store.local:8333" and o["addressing_style"] == "path"
    assert o["region_name"] == "ap-southeast-1"
    assert o["default_acl"] is None and o["file_overwrite"] is False


@pytest.mark.parametrize("url", ["ftp://x/y", "s3://key:secret@host/", "s3://k:s@host/a/b"])
def test_a_url_the_platform_cannot_use_stops_it_at_start(url):
    with pytest.raises(ImproperlyConfigured):
        storage_from_url(url)
