"""The SMS backends, the Unifonic one against a local fake HTTP server started here that
answers as the gateway documents (success, refusals of one recipient, a gateway error, an
HTTP 5xx, a body that is not JSON, a timeout)."""

import io
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from messaging.backends import locmem
from messaging.backends.base import GatewayUnavailable, OutgoingSms, get_sms_backend

TEXT = "مرحبا، رقم متابعة شكواك ١٢٣"


def message(to="+966512345678", body=TEXT, reference="r1"):
    return OutgoingSms(to=to, body=body, sender="Jamiya", reference=reference)


def test_the_test_settings_keep_messages_in_the_locmem_outbox():
    locmem.outbox.clear()
    results = get_sms_backend().send([message(), message(reference="r2")])
    assert [sms.reference for sms in locmem.outbox] == ["r1", "r2"]
    assert all(result.accepted and result.parts == 1 for result in results)
    assert results[0].gateway_id != results[1].gateway_id


def test_the_console_backend_writes_each_message():
    stream = io.StringIO()
    backend = get_sms_backend("messaging.backends.console.SmsBackend", stream=stream)
    [result] = backend.send([message()])
    assert result.accepted
    assert TEXT in stream.getvalue() and "+966512345678" in stream.getvalue()


def test_the_file_backend_appends_one_json_line_per_message(tmp_path):
    backend = get_sms_backend("messaging.backends.filebased.SmsBackend", file_path=str(tmp_path))
    backend.send([message(), message(to="+966598765432", reference="r2")])
    backend.send([message(reference="r3")])
    [path] = tmp_path.iterdir()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["reference"] for line in lines] == ["r1", "r2", "r3"]
    assert lines[0]["body"] == TEXT and lines[0]["parts"] == 1
    assert lines[1]["to"] == "+966598765432"


class FakeUnifonic(BaseHTTPRequestHandler):
    """Answers by the recipient: 966500000002 is an invalid number (ER-02), 966500000001
    has no balance behind it (ER-01), 966500000500 gets an HTTP 503, 966500000999 a page
    that is not JSON, 966500000408 no answer before the client's timeout."""

    received: list[dict[str, str]] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        length = int(self.headers["Content-Length"])
        fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        type(self).received.append({"path": self.path, **fields})
        recipient = fields.get("Recipient")
        if fields.get("AppSid") != "good-sid":
            return self._json(401, {"success": False, "errorCode": "ER-00", "message": "Bad key"})
        if recipient == "966500000002":
            return self._json(200, {"success": False, "errorCode": "ER-02", "message": "Invalid"})
        if recipient == "966500000001":
            return self._json(200, {"success": False, "errorCode": "ER-01", "message": "Funds"})
        if recipient == "966500000500":
            return self._json(503, {"message": "maintenance"})
        if recipient == "966500000999":
            return self._raw(200, b"<html>proxy error</html>")
        if recipient == "966500000408":
            threading.Event().wait(1.0)
            return self._json(200, {"success": True})
        units = 2 if len(fields["Body"]) > 70 else 1
        data = {"MessageID": f"m-{len(type(self).received)}", "NumberOfUnits": units}
        return self._json(200, {"success": True, "message": "", "data": data})

    def _json(self, status, payload):
        self._raw(status, json.dumps(payload).encode(), "application/json")

    def _raw(self, status, body, content_type="text/html"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def unifonic():
    FakeUnifonic.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeUnifonic)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def backend(app_sid="good-sid", timeout="0.3"):
        return get_sms_backend(
            "messaging.backends.unifonic.SmsBackend",
            app_sid=app_sid,
            base_url=url,
            timeout=timeout,
        )

    yield backend
    server.shutdown()
    server.server_close()


def test_unifonic_sends_the_documented_request_and_reads_the_message_ids(unifonic):
    results = unifonic().send([message(), message(body="س" * 80, reference="r2")])
    assert [(r.accepted, r.gateway_id, r.parts) for r in results] == [
        (True, "m-1", 1),
        (True, "m-2", 2),
    ]
    first = FakeUnifonic.received[0]
    assert first["path"] == "/rest/SMS/messages"
    assert first["Recipient"] == "966512345678"  # international, without "+"
    assert first["Body"] == TEXT  # Arabic arrives intact
    assert (first["SenderID"], first["CorrelationID"], first["responseType"]) == (
        "Jamiya",
        "r1",
        "JSON",
    )


def test_an_invalid_number_is_refused_for_that_recipient_only(unifonic):
    results = unifonic().send([message(to="+966500000002"), message(reference="r2")])
    assert (results[0].accepted, results[0].permanent, results[0].error) == (False, True, "ER-02")
    assert results[1].accepted


@pytest.mark.parametrize(
    ("to", "words"),
    [
        ("+966500000001", "ER-01"),
        ("+966500000500", "HTTP 503"),
        ("+966500000999", "not JSON"),
        ("+966500000408", "unreachable"),
    ],
)
def test_a_gateway_failure_stops_the_batch_keeping_what_was_sent(unifonic, to, words):
    with pytest.raises(GatewayUnavailable) as failure:
        unifonic().send([message(), message(to=to, reference="r2"), message(reference="r3")])
    assert words in failure.value.detail
    # The first message was handed over and is reported; the third was never tried.
    assert [result.gateway_id for result in failure.value.results] == ["m-1"]
    assert [row.get("CorrelationID") for row in FakeUnifonic.received] == ["r1", "r2"]


def test_a_wrong_key_stops_the_batch(unifonic):
    with pytest.raises(GatewayUnavailable, match="Bad key"):
        unifonic(app_sid="wrong").send([message()])


def test_unifonic_needs_its_key():
    with pytest.raises(ImproperlyConfigured):
        get_sms_backend("messaging.backends.unifonic.SmsBackend")
