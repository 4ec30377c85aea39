"""Files that carry personal data are never kept by a browser or a proxy cache (issue 10
item 19): Cache-Control: no-store and Pragma: no-cache on every file response."""

import pytest

from tests.core.personal_files import build_personal_files
from tests.reports.support import fake_documents, media_root  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_every_personal_file_is_served_with_no_store(client, fake_documents):  # noqa: F811
    built = build_personal_files()
    client.force_login(built["people"]["crm_manager"])
    for name, url in built["urls"].items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert "Content-Disposition" in response, name
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "no-store" in cache_control, name
        assert "private" in cache_control, name
        assert response["Pragma"] == "no-cache", name
        assert response["Expires"], name
        if response.streaming:
            # Read through the test client's wrapper, which closes the file without closing
            # the test's database connection (response.close() alone would).
            b"".join(response.streaming_content)


def test_ordinary_pages_keep_their_cache_headers(client, crm_staff):
    client.force_login(crm_staff)
    response = client.get("/")
    assert response.status_code == 200
    assert "Pragma" not in response
