"""Banco de la Nación simulator: payment orders, a payment page, signed notifications, receipts."""
from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
import threading
import time
import urllib.request
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from integraciones.banco_nacion.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_notification
from integraciones.banco_nacion.types import ORDER_EXPIRED, ORDER_PAID, ORDER_PENDING
from integraciones.simkit import HttpError, Reply, Request, SimulatorApp, html_reply, json_reply

logger = logging.getLogger(__name__)

DEFAULT_LATENCY_MS = 50
LIMA = dt.timezone(dt.timedelta(hours=-5), "America/Lima")  # Peru keeps no daylight saving
ORDER_LIFETIME = dt.timedelta(hours=2)
NOTIFY_ATTEMPTS = 3
NOTIFY_TIMEOUT_S = 5.0
DEMO_RECEIPT_DATE = dt.date(2025, 1, 15)
DEMO_FEE_CODE = "01810"
DEMO_AMOUNT = Decimal("120.90")
# The payer's document: a DNI (8 digits) or a foreigner's carné, PTP or CPP number (up to 12).
PAYER_RE = re.compile(r"[0-9A-Z]{8,12}")
FEE_RE = re.compile(r"\d{5}")


def demo_receipts() -> dict[str, dict[str, Any]]:
    """Receipts 1000001..1000050: fee 01810, S/ 120.90, paid on 2025-01-15.

    1000001 was paid by DNI 70275722, 1000002 by 45678912, and 10000NN by 400000NN.
    """
    receipts = {}
    for n in range(1, 51):
        payer = {1: "70275722", 2: "45678912"}.get(n, f"{40000000 + n}")
        number = str(1000000 + n)
        receipts[number] = _receipt(number, DEMO_RECEIPT_DATE, DEMO_AMOUNT, DEMO_FEE_CODE, payer, None)
    return receipts


def _receipt(
    number: str, date: dt.date, amount: Decimal, fee_code: str, payer: str, order_id: str | None
) -> dict[str, Any]:
    return {
        "receipt_number": number,
        "payment_date": date.isoformat(),
        "amount": f"{amount:.2f}",
        "fee_code": fee_code,
        "payer_dni": payer,
        "order_id": order_id,
    }


def _now() -> dt.datetime:
    return dt.datetime.now(LIMA).replace(microsecond=0)


def _text(data: dict[str, Any], name: str, pattern: re.Pattern[str] | None = None, *, message: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or (pattern and not pattern.fullmatch(value)):
        raise HttpError(400, "invalid_field", message, field=name)
    return value.strip()


def _amount(data: dict[str, Any]) -> Decimal:
    try:
        amount = Decimal(str(data.get("amount")))
    except InvalidOperation as exc:
        raise HttpError(400, "invalid_field", "Importe inválido", field="amount") from exc
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise HttpError(400, "invalid_field", "El importe debe ser positivo y con dos decimales", field="amount")
    return amount


def _date(data: dict[str, Any], name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(data.get(name)))
    except ValueError as exc:
        raise HttpError(400, "invalid_field", "Fecha inválida (AAAA-MM-DD)", field=name) from exc


def _url(data: dict[str, Any], name: str, *, required: bool) -> str:
    value = data.get(name)
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise HttpError(400, "invalid_field", "Se requiere una URL http(s)", field=name)
    return value


class BancoNacionState:
    """Orders and receipts of one simulator instance, guarded by one lock."""

    def __init__(self, notify_secret: str) -> None:
        self.notify_secret = notify_secret
        self.lock = threading.Lock()
        self.orders: dict[str, dict[str, Any]] = {}
        self.by_reference: dict[str, str] = {}
        self.receipts = demo_receipts()
        self.next_receipt = 2000001

    def new_receipt_number(self) -> str:
        number = str(self.next_receipt)
        self.next_receipt += 1
        return number

    def order_view(self, order: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in order.items() if k not in ("notify_url", "return_url", "description")}
        if order["status"] == ORDER_PENDING and _now() > dt.datetime.fromisoformat(order["expires_at"]):
            view["status"] = ORDER_EXPIRED
        return view


class BancoNacionSimulator:
    """The routes of the simulator, bound to one state."""

    def __init__(self, notify_secret: str) -> None:
        self.state = BancoNacionState(notify_secret)

    def routes(self) -> list[tuple[str, str, Any]]:
        return [
            ("POST", r"/orders", self.create_order),
            ("GET", r"/orders/(?P<order_id>[^/]+)", self.get_order),
            ("GET", r"/pagar/(?P<order_id>[^/]+)", self.pay_page),
            ("POST", r"/pagar/(?P<order_id>[^/]+)", self.pay),
            ("POST", r"/receipts/verify", self.verify_receipt),
            ("POST", r"/__receipts__", self.register_receipt),
        ]

    def create_order(self, request: Request) -> Reply:
        data = request.json()
        fee_code = _text(data, "fee_code", FEE_RE, message="Código de tasa inválido (5 dígitos)")
        amount = _amount(data)
        payer = _text(data, "payer_dni", PAYER_RE, message="El documento del pagador tiene de 8 a 12 letras o dígitos")
        reference = _text(data, "reference", message="Se requiere la referencia del pedido")
        notify_url = _url(data, "notify_url", required=True)
        return_url = _url(data, "return_url", required=False)
        state = self.state
        with state.lock:
            existing_id = state.by_reference.get(reference)
            if existing_id:
                existing = state.orders[existing_id]
                if (existing["fee_code"], existing["amount"], existing["payer_dni"]) != (fee_code, f"{amount:.2f}", payer):
                    raise HttpError(409, "reference_conflict", "La referencia ya se usó con otros datos", field="reference")
                return json_reply(state.order_view(existing))
            order_id = f"BN{uuid.uuid4().hex[:16].upper()}"
            now = _now()
            order = {
                "order_id": order_id,
                "pay_url": f"{request.base_url}/pagar/{order_id}",
                "amount": f"{amount:.2f}",
                "fee_code": fee_code,
                "payer_dni": payer,
                "reference": reference,
                "status": ORDER_PENDING,
                "created_at": now.isoformat(),
                "expires_at": (now + ORDER_LIFETIME).isoformat(),
                "paid_at": None,
                "receipt_number": None,
                "notification_status": None,
                "notify_url": notify_url,
                "return_url": return_url,
                "description": str(data.get("description") or f"Tasa {fee_code}"),
            }
            state.orders[order_id] = order
            state.by_reference[reference] = order_id
            return json_reply(state.order_view(order), 201)

    def _order(self, request: Request) -> dict[str, Any]:
        assert request.match is not None
        order = self.state.orders.get(request.match["order_id"])
        if order is None:
            raise HttpError(404, "not_found", "Orden de pago no encontrada", field="order_id")
        return order

    def get_order(self, request: Request) -> Reply:
        with self.state.lock:
            return json_reply(self.state.order_view(self._order(request)))

    def pay_page(self, request: Request) -> Reply:
        with self.state.lock:
            order = self._order(request)
            view = self.state.order_view(order)
        if view["status"] == ORDER_PAID:
            return html_reply(_done_page(order))
        if view["status"] == ORDER_EXPIRED:
            return html_reply(_page("Orden vencida", "<p>Esta orden de pago ha vencido.</p>"), 410)
        return html_reply(_pay_page(order))

    def pay(self, request: Request) -> Reply:
        notification: bytes | None = None
        with self.state.lock:
            order = self._order(request)
            status = self.state.order_view(order)["status"]
            if status == ORDER_EXPIRED:
                return html_reply(_page("Orden vencida", "<p>Esta orden de pago ha vencido.</p>"), 410)
            if status == ORDER_PENDING:
                notification = self._mark_paid(order)
        if notification is not None:
            # The bank confirms out of band, as the real one does: the page does not wait.
            threading.Thread(target=self._deliver, args=(order, notification), daemon=True).start()
        return html_reply(_done_page(order))

    def _mark_paid(self, order: dict[str, Any]) -> bytes:
        paid_at = _now()
        number = self.state.new_receipt_number()
        order.update(status=ORDER_PAID, paid_at=paid_at.isoformat(), receipt_number=number, notification_status="pending")
        self.state.receipts[number] = _receipt(
            number, paid_at.date(), Decimal(order["amount"]), order["fee_code"], order["payer_dni"], order["order_id"]
        )
        body = {
            "notification_id": str(uuid.uuid4()),
            "order_id": order["order_id"],
            "receipt_number": number,
            "amount": order["amount"],
            "fee_code": order["fee_code"],
            "payer_dni": order["payer_dni"],
            "paid_at": paid_at.isoformat(),
        }
        return json.dumps(body).encode()

    def _deliver(self, order: dict[str, Any], body: bytes) -> None:
        outcome = "failed"
        for attempt in range(NOTIFY_ATTEMPTS):
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign_notification(body, self.state.notify_secret, timestamp),
                TIMESTAMP_HEADER: timestamp,
            }
            try:
                req = urllib.request.Request(order["notify_url"], data=body, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=NOTIFY_TIMEOUT_S) as response:
                    if 200 <= response.status < 300:
                        outcome = "delivered"
                        break
            except OSError as exc:  # URLError and HTTPError are OSErrors
                logger.warning("banco_nacion: notification attempt %d failed: %s", attempt + 1, exc)
            if attempt + 1 < NOTIFY_ATTEMPTS:
                time.sleep(0.5 * 2**attempt)
        with self.state.lock:
            order["notification_status"] = outcome

    def verify_receipt(self, request: Request) -> Reply:
        data = request.json()
        number = _text(data, "receipt_number", message="Se requiere el número de operación")
        with self.state.lock:
            receipt = self.state.receipts.get(number)
        if receipt is None:
            errors = {"receipt_number": "No existe un pago con ese número de operación"}
            return json_reply({"valid": False, "field_errors": errors, "receipt": None})
        errors = _receipt_mismatches(receipt, data)
        return json_reply({"valid": not errors, "field_errors": errors, "receipt": None if errors else receipt})

    def register_receipt(self, request: Request) -> Reply:
        """Test hook: record a payment made at a bank window."""
        data = request.json()
        date = _date(data, "payment_date")
        amount = _amount(data)
        fee_code = _text(data, "fee_code", FEE_RE, message="Código de tasa inválido (5 dígitos)")
        payer = _text(data, "payer_dni", PAYER_RE, message="El documento del pagador tiene de 8 a 12 letras o dígitos")
        with self.state.lock:
            number = str(data.get("receipt_number") or self.state.new_receipt_number())
            receipt = _receipt(number, date, amount, fee_code, payer, None)
            self.state.receipts[number] = receipt
        return json_reply(receipt, 201)


def _receipt_mismatches(receipt: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if str(data.get("payment_date")) != receipt["payment_date"]:
        errors["payment_date"] = "La fecha de pago no corresponde a la operación"
    try:
        same_amount = Decimal(str(data.get("amount"))) == Decimal(receipt["amount"])
    except InvalidOperation:
        same_amount = False
    if not same_amount:
        errors["amount"] = "El importe no corresponde a la operación"
    if str(data.get("fee_code")) != receipt["fee_code"]:
        errors["fee_code"] = "La operación no corresponde a esta tasa"
    if str(data.get("payer_dni")) != receipt["payer_dni"]:
        errors["payer_dni"] = "La operación no fue pagada con este DNI"
    return errors


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="es"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} - Banco de la Nación (simulador)</title></head>"
        f"<body><header><strong>Banco de la Nación</strong> · Págalo.pe (simulador)</header>"
        f"<main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


def _pay_page(order: dict[str, Any]) -> str:
    amount = html.escape(order["amount"])
    body = (
        f"<p>Concepto: {html.escape(order['description'])} (código {html.escape(order['fee_code'])})</p>"
        f"<p>Importe: S/ {amount}</p>"
        f"<p>DNI del pagador: {html.escape(order['payer_dni'])}</p>"
        f'<form method="post"><button type="submit">Pagar S/ {amount}</button></form>'
    )
    return _page("Pago de tasa", body)


def _done_page(order: dict[str, Any]) -> str:
    link = (
        f'<p><a href="{html.escape(order["return_url"])}">Volver a MIGRACIONES</a></p>' if order["return_url"] else ""
    )
    body = (
        f"<p>Número de operación: {html.escape(str(order['receipt_number']))}</p>"
        f"<p>Importe: S/ {html.escape(order['amount'])}</p>{link}"
    )
    return _page("Pago realizado", body)


def make_app(*, latency_ms: int | None = None, notify_secret: str | None = None) -> SimulatorApp:
    secret = notify_secret or os.environ.get("BANCO_NACION_NOTIFY_SECRET") or "demo-bn-notify-secret"
    simulator = BancoNacionSimulator(secret)
    latency = DEFAULT_LATENCY_MS if latency_ms is None else latency_ms
    return SimulatorApp("banco_nacion", simulator.routes(), default_latency_ms=latency)
