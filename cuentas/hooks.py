"""Where a staff member works, as the service apps know it (registered at AppConfig.ready).

cuentas never imports a service app: a service registers `work_page_register(key, resolver)` with
`resolver(user)` returning the URL of that user's work page there (a sede's "Citas de hoy", a control
post's counter) or None. After TOTP an officer lands on the first page found; staff with none have no
sede nor post, and back-office pages that need one refuse them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_RESOLVERS: dict[str, tuple[int, Callable[[Any], str | None]]] = {}


def work_page_register(key: str, resolver: Callable[[Any], str | None], *, order: int = 100) -> None:
    """Register (or replace) a resolver; lower `order` is asked first."""
    _RESOLVERS[key] = (order, resolver)


def work_page_for(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    for _order, resolver in sorted(_RESOLVERS.values(), key=lambda item: item[0]):
        url = resolver(user)
        if url:
            return url
    return None
