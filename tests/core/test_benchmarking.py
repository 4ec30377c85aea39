"""core.benchmarking: the interleaved runner and the bounded load client (figures are never
asserted; what is checked is what they count)."""

import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.benchmarking import (
    Item,
    Skip,
    drive_load,
    measure_interleaved,
    process_tree_cpu_seconds,
)


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


def _stat(proc, pid, ppid, utime, stime, cutime=0, cstime=0, name="gunicorn: worker"):
    (proc / str(pid)).mkdir()
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    # utime stime cutime cstime …
    fields = ["S", ppid, 1, 1, 0, -1, 0, 0, 0, 0, 0, utime, stime, cutime, cstime, 20, 0]
    (proc / str(pid) / "stat").write_text(f"{pid} ({name}) " + " ".join(map(str, fields)))


def test_the_server_cpu_is_its_own_its_ended_and_its_living_workers(tmp_path):
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    _stat(tmp_path, 100, 1, utime=10, stime=5, cutime=7, cstime=3, name="gunicorn: master")
    _stat(tmp_path, 101, 100, utime=20, stime=4)
    _stat(tmp_path, 102, 100, utime=30, stime=6, name="a (strange) name")
    _stat(tmp_path, 200, 1, utime=1000, stime=1000)  # another process: not counted
    (tmp_path / "self").mkdir()
    assert process_tree_cpu_seconds(100, tmp_path) == (10 + 5 + 7 + 3 + 24 + 36) / ticks
    assert process_tree_cpu_seconds(999, tmp_path) is None
