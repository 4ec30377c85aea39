"""The QR codes: the PNG at print resolution decodes (zxing-cpp) to the link's short URL
on the configured site address; the SVG is the same code; the poster PDF renders in
Arabic with the label and the URL (pdftotext), embeds the bundled font, and its printed
page scans to the short URL."""

import io
import re
import shutil
import subprocess

import pytest
import segno
import zxingcpp
from django.urls import reverse
from PIL import Image

from links import qr
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db

SITE = "https://crm.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


def decoded(png_bytes):
    image = Image.open(io.BytesIO(png_bytes))
    return image, [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def test_the_png_decodes_to_the_short_url(make_link):
    link = make_link()
    image, texts = decoded(qr.png(link))
    assert texts == [f"{SITE}/c/{link.code}"]
    assert link.short_url == f"{SITE}/c/{link.code}"


def test_the_png_prints_at_the_asked_size_and_resolution(make_link):
    link = make_link()
    image, texts = decoded(qr.png(link, size_cm=10, dpi=300))
    assert texts == [link.short_url]
    assert round(image.info["dpi"][0]) == 300
    # 10 cm at 300 dpi is 1181 pixels; whole pixels per module make it within one module.
    modules = segno.make(link.short_url, error="q").symbol_size(scale=1, border=4)[0]
    assert abs(image.width - 1181) <= 1181 / modules


def test_the_svg_is_the_same_code(make_link):
    link = make_link()
    svg = qr.svg(link).decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert segno.make(link.short_url, error="q").matrix == qr.make(link).matrix


def test_the_downloads_over_http(make_link, manager, client):
    link = make_link(label="ملصق المول")
    client.force_login(manager)
    png = client.get(reverse("links:qr_png", args=[link.pk]), {"size_cm": "٥", "dpi": "600"})
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    image, texts = decoded(b"".join(png.streaming_content))
    assert texts == [link.short_url] and round(image.info["dpi"][0]) == 600
    svg = client.get(reverse("links:qr_svg", args=[link.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    too_big = client.get(reverse("links:qr_png", args=[link.pk]), {"size_cm": "100", "dpi": "600"})
    assert too_big.status_code == 302


def test_the_poster_pdf_shows_the_identity_label_and_url_in_arabic(
    make_link, manager, client, tmp_path
):
    if not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm")):
        skip_or_fail("pdftotext, pdffonts and pdftoppm (poppler-utils) are not installed")
    from reports.models import VisualIdentity

    VisualIdentity.objects.create(name="جمعية مراكز الأحياء بمنطقة مكة المكرمة")
    # No lam-alef and no shadda: pdftotext extracts those in another order.
    link = make_link(label="تبرع لسلة رمضان")
    client.force_login(manager)
    response = client.get(reverse("links:poster", args=[link.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    assert "تبرع لسلة رمضان" in text
    assert "جمعية مراكز" in text
    assert f"{SITE}/c/{link.code}" in text
    assert "امسح الرمز" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-Arabic" in fonts and "DejaVu" not in fonts
    # The poster as printed (rasterised at 100 dpi) scans to the short URL.
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page-1.png")
    assert [result.text for result in zxingcpp.read_barcodes(image.convert("L"))] == [
        f"{SITE}/c/{link.code}"
    ]
