"""Citizens' photos: only real JPEG and PNG within limits, and nothing of the file but its
pixels is kept (no EXIF, no GPS, no comments)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageFile, ImageOps, PngImagePlugin

from tryghed.servicedesk import photos, services
from tryghed.servicedesk.models import Photo, ServiceRequest


@pytest.fixture(autouse=True)
def english():
    """The checks' messages are read in English here; the forms show them in Danish."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def jpeg_with_gps(size=(3000, 2000), orientation=None):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = image.getexif()
    exif[MAKE] = "Citizen's phone"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (55.0, 35.0, 34.2)
    gps[3] = "E"
    gps[4] = (12.0, 15.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"Hanne's photo")
    data = out.getvalue()
    # The fixture itself must carry what the cleaning is to remove.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    return data


def png_with_text():
    image = Image.new("RGBA", (640, 480), (20, 120, 200, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Hanne Hemmelig")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def encoded(format_, size=(40, 30), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=format_)
    return out.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def reopen(clean):
    return Image.open(io.BytesIO(clean.content))


def test_a_jpeg_loses_its_exif_and_gps_and_is_scaled_down():
    clean = photos.clean_photo(upload(jpeg_with_gps()))
    image = reopen(clean)
    assert image.format == "JPEG" and clean.content_type == "image/jpeg"
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "comment" not in image.info and "exif" not in image.info
    assert max(image.size) == 2048 and (clean.width, clean.height) == image.size
    assert image.size == (2048, 1365)


def test_a_sideways_phone_photo_is_turned_upright_before_its_orientation_is_dropped():
    # Orientation 6: the camera stored it rotated; viewers turn it 90° clockwise.
    clean = photos.clean_photo(upload(jpeg_with_gps(size=(300, 200), orientation=6)))
    assert reopen(clean).size == (200, 300)


def jpeg_with_a_wrongly_typed_gps_tag():
    """A sideways phone photo whose GPS map datum, a text tag, holds three fractions: Pillow
    reads it, but raises TypeError when it writes such EXIF out again."""

    def directory(entries):
        out = struct.pack(">H", len(entries))
        for tag, kind, count, value in entries:
            out += struct.pack(">HHI", tag, kind, count) + value
        return out + struct.pack(">I", 0)

    gps_at = 8 + 2 + 2 * 12 + 4
    values_at = gps_at + 2 + 12 + 4
    first = directory(
        [(ORIENTATION, 3, 1, struct.pack(">HH", 6, 0)), (GPS_IFD, 4, 1, struct.pack(">I", gps_at))]
    )
    gps = directory([(0x0012, 5, 3, struct.pack(">I", values_at))])
    tiff = b"MM\x00*" + struct.pack(">I", 8) + first + gps + struct.pack(">6I", 55, 1, 27, 1, 36, 1)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG", exif=b"Exif\x00\x00" + tiff)
    return out.getvalue()


@pytest.mark.parametrize(
    ("orientation", "corner"),
    [
        (1, (0, 0)),
        (2, (1, 0)),
        (3, (1, 1)),
        (4, (0, 1)),
        (5, (0, 0)),
        (6, (1, 0)),
        (7, (1, 1)),
        (8, (0, 1)),
    ],
)
def test_every_orientation_puts_the_photos_top_left_where_a_viewer_shows_it(orientation, corner):
    # A 60×40 picture, black but its stored top-left corner white.
    image = Image.new("RGB", (60, 40), "black")
    image.paste((255, 255, 255), (0, 0, 10, 10))
    exif = image.getexif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    upright = reopen(photos.clean_photo(upload(out.getvalue())))
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(out.getvalue())))
    assert upright.size == expected.size
    width, height = upright.size
    x, y = corner[0] * (width - 1), corner[1] * (height - 1)
    assert upright.getpixel((x, y))[0] > 200
    assert expected.getpixel((x, y))[0] > 200


def test_a_photo_with_a_tag_of_the_wrong_type_is_turned_and_cleaned_not_an_error(catalogue, media):
    data = jpeg_with_a_wrongly_typed_gps_tag()
    with pytest.raises(TypeError):
        ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    response = send(tip(), upload(data, "telefon.jpg"))
    assert response.status_code == 200
    photo = Photo.objects.get(request=ServiceRequest.objects.get())
    with Image.open(media / photo.image.name) as image:
        assert image.size == (48, 64)
        assert not image.getexif()


def test_a_png_is_kept_as_png_without_its_text():
    clean = photos.clean_photo(upload(png_with_text(), "skitse.png", "image/png"))
    image = reopen(clean)
    assert image.format == "PNG" and clean.content_type == "image/png"
    assert image.mode == "RGBA"
    assert "Author" not in image.info and not getattr(image, "text", {})
    assert image.size == (640, 480)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"This is not a photo at all, just text.\n" * 20, "photo.jpg"),
        (encoded("GIF"), "animation.gif"),
        (encoded("BMP"), "picture.bmp"),
        (encoded("WEBP"), "photo.webp"),
        (encoded("GIF"), "disguised.jpg"),
    ],
    ids=["text renamed .jpg", "gif", "bmp", "webp", "gif renamed .jpg"],
)
def test_anything_but_jpeg_and_png_is_refused(data, name):
    with pytest.raises(photos.PhotoError, match="not a JPEG or PNG"):
        photos.clean_photo(upload(data, name))


@pytest.mark.parametrize("load_truncated", [False, True])
@pytest.mark.parametrize("format_", ["JPEG", "PNG"])
def test_a_file_cut_off_in_transfer_is_refused(monkeypatch, load_truncated, format_):
    # WeasyPrint switches Pillow to accepting truncated files for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    out = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(out, format=format_)
    data = out.getvalue()
    with pytest.raises(photos.PhotoError, match="could not be read"):
        photos.clean_photo(upload(data[: len(data) // 2], f"cut.{format_.lower()}"))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # A one-bit PNG of 50 megapixels: a few kilobytes on disk, far more in memory.
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 100_000
    with pytest.raises(photos.PhotoError, match="too many pixels"):
        photos.clean_photo(upload(out.getvalue(), "bomb.png", "image/png"))


def test_a_file_over_8_mb_is_refused():
    data = jpeg_with_gps(size=(100, 100)) + b"\0" * (8 * 1024 * 1024)
    with pytest.raises(photos.PhotoError, match="larger than 8 MB"):
        photos.clean_photo(upload(data))


# ---- Through the form -----------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def catalogue(reference):
    services.load()


def files_under(path):
    return [p for p in path.rglob("*") if p.is_file()]


def tip(**changes):
    data = {
        "service": "tip-mistaenkelig-aktivitet",
        "description": "En mand prøvede dørene på parkerede biler.",
        "lat": "55.592841",
        "lon": "12.25",
    }
    data.update(changes)
    return data


def send(data, *files):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    return client.post(reverse("servicedesk:tip"), {**data, "photos": list(files)})


def test_a_tip_with_photos_stores_them_cleaned(catalogue, media):
    response = send(tip(), upload(jpeg_with_gps()), upload(png_with_text(), "a.png"))
    assert response.status_code == 200
    request = ServiceRequest.objects.get()
    stored = list(Photo.objects.filter(request=request).order_by("content_type"))
    assert [p.content_type for p in stored] == ["image/jpeg", "image/png"]
    for photo in stored:
        path = media / photo.image.name
        assert path.exists()
        # The citizen's file name is not kept either.
        assert "photo" not in path.name and path.name != "a.png"
        with Image.open(path) as image:
            assert not image.getexif()
            assert image.size == (photo.width, photo.height)
    assert len(files_under(media)) == 2


@pytest.mark.parametrize(
    "case",
    ["form error", "routing error", "bad photo among good", "too many photos"],
)
def test_a_failed_form_leaves_no_photo_on_disk(catalogue, media, case):
    good = upload(jpeg_with_gps(size=(400, 300)))
    if case == "form error":
        response = send(tip(description=""), good)
        field = "description"
    elif case == "routing error":
        response = send(tip(lat="56.1572", lon="10.2107"), good)
        field = None
    elif case == "bad photo among good":
        response = send(tip(), good, upload(encoded("GIF"), "x.gif"))
        field = "photos"
    else:
        response = send(tip(), *[upload(jpeg_with_gps(size=(40, 30))) for _ in range(4)])
        field = "photos"
    assert response.status_code == 200
    form = response.context["form"]
    assert (field in form.errors) if field else form.non_field_errors()
    assert not ServiceRequest.objects.exists()
    assert not Photo.objects.exists()
    assert files_under(media) == []


def test_a_form_larger_than_its_photos_allow_is_refused_before_it_is_read(catalogue, media):
    # The body claims more than three photos at their limit; the test client's payload
    # fails the test if anything reads past the few bytes it holds.
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    response = client.generic(
        "POST",
        reverse("servicedesk:tip"),
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(150 * 1024 * 1024),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "You can send at most 3 photos of up to 8 MB each." in page
    assert response["Cache-Control"] == "no-store, private"
    assert not ServiceRequest.objects.exists()
    assert files_under(media) == []


def test_a_refused_photo_is_named_in_the_error(catalogue, media):
    response = send(tip(), upload(b"GIF89a" + b"\0" * 100, "holiday.gif"))
    assert "holiday.gif is not a JPEG or PNG photo" in response.content.decode()


# ---- Odd input and edge cases ----------------------------------------------------------


def claiming_size(data, width, height):
    """`data` with a header that claims `width`×`height`: what Pillow reads before deciding
    whether the file is a decompression bomb, without a test holding the pixels."""
    if data.startswith(b"\x89PNG"):
        # IHDR is the first chunk: length, type, width, height, …, then its CRC.
        ihdr = b"IHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big") + data[24:29]
        return data[:12] + ihdr + zlib.crc32(ihdr).to_bytes(4, "big") + data[33:]
    start = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    size = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return data[: start + 5] + size + data[start + 9 :]


@pytest.mark.parametrize(
    ("format_", "size"),
    [
        ("JPEG", (10_000, 10_000)),  # past Pillow's limit: it warns
        ("PNG", (10_000, 10_000)),
        ("PNG", (20_000, 10_000)),  # past twice its limit: it refuses
    ],
)
def test_a_photo_beyond_pillows_own_limit_has_too_many_pixels(
    catalogue, media, monkeypatch, format_, size
):
    data = claiming_size(encoded(format_, size=(8, 8)), *size)
    with monkeypatch.context() as unlimited:
        unlimited.setattr(Image, "MAX_IMAGE_PIXELS", None)
        assert Image.open(io.BytesIO(data)).size == size
    response = send(tip(), upload(data, f"huge.{format_.lower()}"))
    page = response.content.decode()
    assert f"huge.{format_.lower()} has too many pixels" in page
    assert "is not a JPEG or PNG photo" not in page
    assert not ServiceRequest.objects.exists()


def test_a_16_bit_grey_png_keeps_its_shades(catalogue, media):
    out = io.BytesIO()
    Image.new("I;16", (100, 100), 1000).save(out, format="PNG")
    response = send(tip(), upload(out.getvalue(), "scan.png", "image/png"))
    assert response.status_code == 200
    stored = Photo.objects.get()
    with Image.open(media / stored.image.name) as image:
        # 1000 of 65535 is a dark grey, 3 of 255; clipped to 8 bits it would be white.
        assert image.mode == "L"
        assert image.getpixel((50, 50)) == 3


def test_photos_lost_to_another_fields_error_are_asked_for_again(catalogue, media):
    response = send(
        tip(description=""),
        upload(jpeg_with_gps(size=(400, 300))),
        upload(png_with_text(), "a.png"),
    )
    page = response.content.decode()
    message = "Choose your 2 photos again. They were not kept, because the form could not be sent."
    # Once in the summary at the top, once above the file input.
    assert page.count(message) == 2
    assert 'href="#id_photos"' in page

    without_photos = send(tip(description="")).content.decode()
    assert "again" not in without_photos
