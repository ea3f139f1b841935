"""Citizens' photos: checked, then re-encoded so that nothing but the pixels is kept.

A photo from a phone carries the place it was taken (EXIF GPS), the phone's make and often
the owner's name; an anonymous tip must not give its sender away. Re-encoding from the
decoded pixels drops every such block, whatever the format hides it in. The check reads the
image header first, so a decompression bomb (a small file that decodes to billions of
pixels) is refused before it is decoded.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tryghed.servicedesk.models import Photo

MAX_PHOTOS = 3
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
JPEG_QUALITY = 85
# MPO is how some phones store a JPEG with an extra depth or preview image; its first frame
# is an ordinary JPEG.
FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png"}
# 16-bit greyscale PNGs open in these modes; convert() would clip every value above 255,
# which is nearly all of them, to white.
HIGH_BIT_DEPTH = {"I", "I;16", "I;16B", "I;16L", "I;16N"}


class PhotoError(ValueError):
    """The file cannot be accepted; the message says why, in the citizen's language."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self):
        return "png" if self.content_type == "image/png" else "jpg"

    def to_model(self):
        """An unsaved Photo: the file is written only when the request is saved with it."""
        name = f"{uuid.uuid4().hex}.{self.extension}"
        return Photo(
            image=ContentFile(self.content, name=name),
            content_type=self.content_type,
            width=self.width,
            height=self.height,
        )


class _EndWatch:
    """The uploaded file, noting whether a decoder asked for more than it holds.

    WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process, and then a
    file cut off in transfer decodes without complaint into a half-grey picture; the
    citizen should rather be told to send it again.
    """

    def __init__(self, fp):
        self._fp = fp
        self.ran_out = False

    def read(self, size=-1):
        data = self._fp.read(size)
        if not data and size != 0:
            self.ran_out = True
        return data

    def __getattr__(self, name):
        return getattr(self._fp, name)


def _too_many_pixels(name):
    return PhotoError(
        _("%(name)s has too many pixels (at most %(limit)d megapixels).")
        % {"name": name, "limit": MAX_PIXELS // 1_000_000}
    )


def _open(fp, name):
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; ours is lower anyway.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fp, formats=("JPEG", "PNG"))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        # Pillow read the size in the header and found it beyond its own limit.
        raise _too_many_pixels(name) from None
    except UnidentifiedImageError:
        raise PhotoError(
            _("%(name)s is not a JPEG or PNG photo. Only JPEG and PNG can be sent.")
            % {"name": name}
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError(_("%(name)s could not be read as a photo.") % {"name": name}) from exc
    if image.format not in FORMATS:
        raise PhotoError(
            _("%(name)s is not a JPEG or PNG photo. Only JPEG and PNG can be sent.")
            % {"name": name}
        )
    return image


# The EXIF orientation flag and how the stored pixels must be turned to stand upright, as
# ImageOps.exif_transpose turns them. That function also rewrites the metadata, which is
# thrown away here anyway, and raises assorted errors where a phone or an editor wrote a
# tag of the wrong type.
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION = 0x0112


def _orientation(image):
    """The EXIF orientation flag, or None where there is none or it cannot be read."""
    try:
        return image.getexif().get(_ORIENTATION)
    except Exception:  # noqa: BLE001 - Pillow's EXIF parser raises many kinds on bad data
        return None


def _pixels(image, source_format):
    """The decoded first frame, upright, in a mode its format can store."""
    if source_format == "PNG":
        high = image.mode in HIGH_BIT_DEPTH
        # A 16-bit grey's transparent value has no 8-bit equal; such a picture is kept opaque.
        transparent = "transparency" in image.info and not high
        has_alpha = image.mode in ("RGBA", "LA", "PA") or transparent
        wanted = "RGBA" if has_alpha else ("L" if image.mode == "L" or high else "RGB")
    else:
        # Lets the JPEG decoder scale down by 1/2 to 1/8 while decoding: a 40-megapixel
        # photo then never needs its full size in memory.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        wanted = "L" if image.mode == "L" else "RGB"
    image.load()
    # Phones store the picture sideways and an orientation flag; the flag goes with the
    # metadata, so turn the pixels first.
    turn = _TURNS.get(_orientation(image))
    if turn is not None:
        image = image.transpose(turn)
    if image.mode in HIGH_BIT_DEPTH:
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    return image if image.mode == wanted else image.convert(wanted)


def clean_photo(uploaded):
    """Check an uploaded file and return it re-encoded without metadata, or raise PhotoError."""
    name = uploaded.name or _("The file")
    if uploaded.size > MAX_BYTES:
        raise PhotoError(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": MAX_BYTES // (1024 * 1024)}
        )
    uploaded.seek(0)
    source = _EndWatch(uploaded)
    image = _open(source, name)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(name)
    source_format = image.format
    try:
        image = _pixels(image, source_format)
        if source.ran_out:
            raise OSError("truncated")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        # Nothing of the source's info (ICC profile, comments, text chunks, EXIF) is passed
        # on: the saved file is built from the pixels alone.
        image.info = {}
        out = io.BytesIO()
        if source_format == "PNG":
            image.save(out, format="PNG", optimize=True)
        else:
            image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        # Truncated or corrupt data only shows when the pixels are decoded.
        raise PhotoError(_("%(name)s could not be read as a photo.") % {"name": name}) from exc
    return CleanPhoto(
        content=out.getvalue(),
        content_type=FORMATS[source_format],
        width=image.width,
        height=image.height,
    )
