"""Who acts on a record: a signed-in user, or a system actor named by a string.

Every service function takes `actor: Actor` first. A user (any role: citizen, officer, supervisor)
is anything with a primary key, `is_authenticated` and `get_username()` (the project's user model);
a system actor is a short string that says what acted ("banco_nacion", "device:GATE-01",
"system:outbox"); None is the portal itself. Records name actors with `actor_name`.
"""
from __future__ import annotations

from typing import Protocol, TypeAlias, runtime_checkable

SYSTEM_NAME = "sistema"


@runtime_checkable
class UserActor(Protocol):
    """A signed-in person acting through a page or an API (the user model satisfies it)."""

    pk: object
    is_authenticated: bool

    def get_username(self) -> str: ...


Actor: TypeAlias = "UserActor | str | None"


def actor_fields(actor: Actor) -> tuple[int | None, str]:
    """(user id or None, name) as records keep them: a username, a system actor's name, "sistema"."""
    if actor is None:
        return None, SYSTEM_NAME
    if isinstance(actor, str):
        return None, actor[:200]
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:200]  # type: ignore[return-value]
    return None, "anónimo"


def actor_name(actor: Actor) -> str:
    """How an actor is named in records (event rows, audit entries, notes)."""
    return actor_fields(actor)[1]


def is_user(actor: Actor) -> bool:
    """True for a signed-in user (not a system actor, not the portal itself)."""
    return not isinstance(actor, str) and actor is not None and bool(getattr(actor, "is_authenticated", False))
