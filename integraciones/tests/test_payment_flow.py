"""The whole paying flow: order, the bank's page, and the signed notification to the portal."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from integraciones.banco_nacion import (
    ORDER_PAID,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    BancoNacionClient,
    verify_notification,
)
from integraciones.tests.support import NOTIFY_SECRET


@dataclass
class Received:
    """What the portal's notification endpoint (here a tiny server) got."""

    # (body, lower-cased headers) of each notification
    messages: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            # Header names are case-insensitive; keep them lower-cased.
            received.messages.append((body, {k.lower(): v for k, v in self.headers.items()}))
            received.arrived.set()
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pagos/notificacion", received
    server.shutdown()
    server.server_close()


def test_paying_on_the_bank_page_notifies_the_portal_with_a_valid_signature(
    simulator_url: str, receiver: tuple[str, Received]
) -> None:
    notify_url, received = receiver
    bank = BancoNacionClient(simulator_url + "/banco-nacion", timeout=2.0, retries=1)
    # given an order created by the portal
    order = bank.create_order(
        "01810", Decimal("120.90"), "70275722", "exp-2025-0001", notify_url,
        return_url="http://portal.example/pasaporte/pago", description="Pasaporte electrónico",
    )
    # when the citizen opens the bank's page
    page = requests.get(order.pay_url, timeout=5)
    assert page.status_code == 200
    assert "Pagar S/ 120.90" in page.text and "Pasaporte electrónico" in page.text
    # and presses the button
    done = requests.post(order.pay_url, timeout=5)
    # then the bank confirms, with a way back to the portal
    assert done.status_code == 200
    assert "Pago realizado" in done.text and 'href="http://portal.example/pasaporte/pago"' in done.text
    # and the portal receives a signed notification it can verify
    assert received.arrived.wait(5), "no notification arrived"
    body, headers = received.messages[0]
    notification = verify_notification(body, headers[SIGNATURE_HEADER.lower()], headers[TIMESTAMP_HEADER.lower()], NOTIFY_SECRET)
    assert (notification.order_id, notification.amount, notification.payer_dni) == (
        order.order_id, Decimal("120.90"), "70275722",
    )
    # and the order and its receipt agree with the notification
    paid = bank.get_order(order.order_id)
    assert paid.status == ORDER_PAID and paid.receipt_number == notification.receipt_number
    check = bank.verify_receipt(
        notification.receipt_number, notification.paid_at.date(), Decimal("120.90"), "01810", "70275722"
    )
    assert check.valid


def test_paying_twice_notifies_once(simulator_url: str, receiver: tuple[str, Received]) -> None:
    notify_url, received = receiver
    bank = BancoNacionClient(simulator_url + "/banco-nacion", timeout=2.0, retries=1)
    order = bank.create_order("01810", Decimal("120.90"), "45678912", "exp-2025-0002", notify_url)
    requests.post(order.pay_url, timeout=5)
    assert received.arrived.wait(5)
    # when the citizen presses the button again (back button, double click)
    again = requests.post(order.pay_url, timeout=5)
    # then the page still says paid, and no second payment or notification happens
    assert "Pago realizado" in again.text
    received.arrived.clear()
    assert not received.arrived.wait(0.8)
    assert len(received.messages) == 1
