"""Typed reading of the fields of a JSON reply; a missing or wrong field is a MalformedResponse."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from integraciones.errors import MalformedResponse


class Fields:
    """Reads the fields of one JSON object sent by ``service``, naming the culprit on error."""

    def __init__(self, service: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise MalformedResponse(service, "se esperaba un objeto JSON")
        self.service = service
        self.data: dict[str, Any] = data

    def _bad(self, name: str, what: str) -> MalformedResponse:
        return MalformedResponse(self.service, f"campo '{name}': {what}", field=name)

    def _get(self, name: str) -> Any:
        if name not in self.data:
            raise self._bad(name, "ausente")
        return self.data[name]

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self._bad(name, "se esperaba texto")
        return value

    def opt_text(self, name: str) -> str | None:
        return None if self.data.get(name) is None else self.text(name)

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self._bad(name, "se esperaba verdadero/falso")
        return value

    def date(self, name: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text(name))
        except ValueError as exc:
            raise self._bad(name, "fecha inválida") from exc

    def opt_date(self, name: str) -> dt.date | None:
        return None if self.data.get(name) is None else self.date(name)

    def datetime(self, name: str) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(self.text(name))
        except ValueError as exc:
            raise self._bad(name, "fecha y hora inválida") from exc
        if value.tzinfo is None:
            raise self._bad(name, "falta la zona horaria")
        return value

    def opt_datetime(self, name: str) -> dt.datetime | None:
        return None if self.data.get(name) is None else self.datetime(name)

    def decimal(self, name: str) -> Decimal:
        value = self._get(name)
        # Money travels as a string so no float rounding creeps in.
        if not isinstance(value, str):
            raise self._bad(name, "se esperaba un importe en texto")
        try:
            amount = Decimal(value)
        except InvalidOperation as exc:
            raise self._bad(name, "importe inválido") from exc
        if not amount.is_finite():
            raise self._bad(name, "importe inválido")
        return amount

    def items(self, name: str) -> list[Any]:
        value = self._get(name)
        if not isinstance(value, list):
            raise self._bad(name, "se esperaba una lista")
        return value

    def text_map(self, name: str) -> dict[str, str]:
        value = self._get(name)
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise self._bad(name, "se esperaba un objeto de textos")
        return dict(value)

    def opt_object(self, name: str) -> Fields | None:
        value = self.data.get(name)
        return None if value is None else Fields(self.service, value)

    def opt_base64(self, name: str) -> bytes | None:
        if self.data.get(name) is None:
            return None
        try:
            return base64.b64decode(self.text(name), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self._bad(name, "base64 inválido") from exc
