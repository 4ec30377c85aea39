"""`manage.py bench` (make bench) runs end to end at a tiny size on the test database and
writes its table: every group of items, each with a ratio to the floor page. Figures are
never asserted (timings belong to `make bench`); the load on gunicorn is left out here."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from customers.models import Customer

pytestmark = pytest.mark.django_db


def test_the_bench_measures_every_group_against_the_floor(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = StringIO()
    call_command(
        "bench",
        sizes="40",
        rounds=1,
        heavy_rounds=1,
        import_rows=20,
        no_load=True,
        output=str(tmp_path),
        stdout=out,
    )
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    (size,) = data["sizes"]
    assert size["size"] == 40
    assert size["counts"]["customers"] >= 40
    items = size["items"]
    groups = {item["group"] for item in items}
    assert groups == {"floor", "staff", "admin", "own", "public", "import", "report"}
    for item in items:
        assert item["samples"] == 1
        assert item["ratio_to_floor"] > 0
        assert item["queries"] >= 0
        assert item["cpu_ms"] > 0
    labels = [item["label"] for item in items]
    assert "customers:list (crm_staff)" in labels
    assert "complaints:list (crm_staff)" in labels
    assert "shortlink:follow, a counted visit" in labels  # the redirect, a 302
    # Downloads are listed as not measured, with the reason.
    assert "a download" in size["skipped"]["customers:export_csv (crm_staff)"]

    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    staff_rows = [line for line in table.splitlines() if line.startswith("| staff |")]
    assert len(staff_rows) >= 50
    # group | item | median | p95 | CPU | queries | × floor
    assert all(len(row.strip("|").split("|")) == 7 for row in staff_rows)
    assert "customer dry run, 20 rows at 40:" in table  # its rows a second
    assert "| floor | floor: the same in the base layout |" in table
    # Each admin list and search beside the site's own page of the same rows, with the ratio.
    by_label = {item["label"]: item for item in items}
    assert by_label["admin customer list"]["compare_to"] == "customers:list (crm_staff)"
    searched = by_label["admin customer search «محمد»"]
    assert searched["compare_to"] == "customers:list?q=محمد (crm_staff)"
    assert by_label[searched["compare_to"]]["group"] == "own"
    admin_items = [item for item in items if item["group"] == "admin"]
    assert all(item["ratio_to_compared"] > 0 for item in admin_items)
    assert "| admin case search «تأخر» | complaints:list?q=تأخر (crm_staff) |" in table
    assert table in out.getvalue()
    # The world of the permission table was rolled back: only the seeded data stays.
    assert not Customer.objects.filter(code=990001).exists()


def test_only_load_measures_no_page_and_keeps_the_full_figures(tmp_path, monkeypatch):
    """`--only load`: nothing seeded, no page measured, the load's table in load.md (the
    full figures, latest.md, untouched). The gunicorn run itself is replaced here."""
    from core.benchmarking import LoadResult
    from reports import bench

    calls = []

    def fake_load(options):
        calls.append(options.load_port)
        return LoadResult(
            users=2,
            requests=10,
            seconds=1.0,
            errors=0,
            median_ms=5,
            p95_ms=9,
            first_errors=[],
            server_cpu_seconds=0.12,
        )

    monkeypatch.setattr(bench, "run_load", fake_load)
    monkeypatch.setattr(bench, "measure_size", lambda *args: pytest.fail("pages measured"))
    out = StringIO()
    call_command("bench", only="load", load_port=8999, output=str(tmp_path), stdout=out)
    assert calls == [8999]
    assert not (tmp_path / "latest.md").exists()
    data = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    (size,) = data["sizes"]
    assert size["items"] == []
    assert size["load"]["requests"] == 10
    assert size["counts"]["customers"] == Customer.objects.count()
    # Server CPU: 0.12 s over 10 requests.
    assert size["load"]["server_cpu_ms_per_request"] == pytest.approx(12)
    table = (tmp_path / "load.md").read_text()
    assert "| 2 | 0 | 10 | 1.0 | 10 | 5 | 9 | 0 | 0.0 | 12.0 |" in table


def test_match_measures_only_the_named_items_beside_the_floors(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command(
        "bench",
        sizes="20",
        rounds=1,
        no_load=True,
        match="customers:list,complaints:list",
        output=str(tmp_path),
        stdout=StringIO(),
    )
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    labels = {item["label"] for item in data["sizes"][0]["items"]}
    assert labels == {
        "floor: one customer, one-line template",
        "floor: the same in the base layout",
        "customers:list (crm_staff)",
        "complaints:list (crm_staff)",
    }


def test_match_keeps_the_own_page_an_admin_item_is_compared_to():
    from core.benchmarking import Item
    from reports.bench import _matching

    def item(group, label, compare_to=""):
        return Item(group, label, lambda: None, compare_to=compare_to)

    items = [
        item("floor", "floor"),
        item("staff", "customers:list (crm_staff)"),
        item("staff", "complaints:list (crm_staff)"),
        item("admin", "admin customer list", "customers:list (crm_staff)"),
        item("admin", "admin case list", "complaints:list (crm_staff)"),
        item("own", "customers:list?q=محمد (crm_staff)"),
        item("admin", "admin customer search «محمد»", "customers:list?q=محمد (crm_staff)"),
    ]
    kept = [item.label for item in _matching(items, ("admin customer",))]
    assert kept == [
        "floor",
        "customers:list (crm_staff)",
        "admin customer list",
        "customers:list?q=محمد (crm_staff)",
        "admin customer search «محمد»",
    ]
    # An own page comes with its admin item only.
    kept = [item.label for item in _matching(items, ("customers:list",))]
    assert kept == ["floor", "customers:list (crm_staff)"]
