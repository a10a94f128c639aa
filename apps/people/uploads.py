"""A person's photo: JPG or PNG, checked by content the way membership documents are.

The checks are the membership applications' (apps.members.applications.uploads.check_upload:
magic bytes, the name's extension agreeing, Pillow verifying and decoding the whole image with
a pixel cap); this module narrows them to pictures and to a smaller size.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.members.applications.uploads import PDF, Checked, check_upload

ACCEPT = ".jpg,.jpeg,.png,image/jpeg,image/png"


def max_megabytes() -> int:
    return settings.PEOPLE_PHOTO_MAX_BYTES // (1024 * 1024)


def check_photo(upload) -> Checked:
    if upload.size > settings.PEOPLE_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(mb)d MB.") % {"mb": max_megabytes()}, code="too_large"
        )
    name = (upload.name or "").lower()
    if name.endswith(".pdf"):
        raise ValidationError(_("A photo must be a JPG or PNG picture."), code="type_not_allowed")
    checked = check_upload(upload)
    if checked.kind == PDF:  # pragma: no cover - excluded by the name check above
        raise ValidationError(_("A photo must be a JPG or PNG picture."), code="type_not_allowed")
    return checked
