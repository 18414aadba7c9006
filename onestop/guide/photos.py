"""Photos of places, products and citizens' reports: through the one upload check, then resized.

`accept_upload` (core.uploads) refuses anything that is not a JPEG or PNG by its bytes; Pillow
then decodes it (a file that only starts like an image is refused too), drops its metadata
(a phone's photo carries the GPS position of the home it was taken in), turns it upright per
its EXIF orientation and stores it as a JPEG at most ONESTOP_GUIDE_PHOTO_MAX_PX on its longer
side.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.core.uploads import JPEG, PNG, accept_upload

IMAGES = (JPEG, PNG)
# Decoding a "photo" of 20,000 × 20,000 pixels would take gigabytes: refused before decoding.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class Photo:
    content: ContentFile
    width: int
    height: int


def photo_accept(upload: Any) -> Photo:
    from PIL import Image, ImageOps, UnidentifiedImageError

    accepted = accept_upload(upload, kinds=IMAGES)
    name = str(accepted.name or "anh").rsplit(".", 1)[0]
    try:
        accepted.seek(0)
        with Image.open(accepted) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(_("“%(name)s” has too many pixels to be a photo."),
                                       name=accepted.name)
            probe.verify()
        accepted.seek(0)
        with Image.open(accepted) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(_("“%(name)s” is not a readable JPEG or PNG image."),
                               name=accepted.name) from exc
    finally:
        accepted.seek(0)
    limit = int(settings.ONESTOP_GUIDE_PHOTO_MAX_PX)
    rgb.thumbnail((limit, limit))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)  # no EXIF: metadata dropped
    return Photo(content=ContentFile(out.getvalue(), name=f"{name}.jpg"),
                 width=rgb.width, height=rgb.height)
