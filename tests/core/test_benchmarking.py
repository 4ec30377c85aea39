"""core.benchmarking: the interleaved runner and the bounded load client (figures are never
asserted; what is checked is what they count)."""

import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.benchmarking import Item, Skip, drive_load, measure_interleaved


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/ok" and self.headers.get("Cookie") == "sessionid=abc"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_the_load_stops_at_its_request_budget_and_counts_every_answer_but_200(server):
    result = drive_load(
        "127.0.0.1",
        server,
        [("sessionid=abc", ["/ok", "/missing"]), ("sessionid=other", ["/ok"])],
        max_requests=40,
        max_seconds=60,
        rng=random.Random(1),
    )
    assert result.requests == 40
    assert result.users == 2
    assert result.pages == 2
    # The first user gets a 404 on every other request, the second one on each (no session).
    assert 20 <= result.errors <= 40
    assert all(": 404" in error for error in result.first_errors)
    # Each path's median, slowest first, with its number of requests.
    assert {path for path, _median, _count in result.slowest} == {"/ok", "/missing"}
    assert sum(count for _path, _median, count in result.slowest) == 40
    assert result.slowest[0][1] >= result.slowest[1][1]


def test_the_load_runs_on_this_machine_only():
    with pytest.raises(ValueError):
        drive_load(
            "example.org", 80, [("", ["/"])], max_requests=1, max_seconds=1, rng=random.Random()
        )


@pytest.mark.django_db
def test_every_item_runs_in_every_round_and_the_heavy_ones_in_the_first_rounds():
    runs = {"page": 0, "heavy": 0, "download": 0}

    def counting(name):
        def run():
            runs[name] += 1

        return run

    def download():
        raise Skip("a download")

    measured, skipped = measure_interleaved(
        [
            Item("staff", "page", counting("page")),
            Item("import", "heavy", counting("heavy"), heavy=True, rows=10),
            Item("staff", "download", download),
        ],
        rounds=5,
        heavy_rounds=2,
        rng=random.Random(3),
    )
    # One warm-up run and one run counting the queries before the rounds.
    assert runs == {"page": 2 + 5, "heavy": 2 + 2, "download": 0}
    assert {row.label: row.samples for row in measured} == {"page": 5, "heavy": 2}
    assert [(item.label, reason) for item, reason in skipped] == [("download", "a download")]
    assert next(row for row in measured if row.label == "heavy").rows == 10
