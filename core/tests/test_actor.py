"""The typed actor: records name a user by username, a system actor by its name, the portal as "sistema"."""
from types import SimpleNamespace

from core.actor import UserActor, actor_fields, actor_name, is_user


def _user(pk=7, name="70275722", authenticated=True):
    return SimpleNamespace(pk=pk, is_authenticated=authenticated, get_username=lambda: name)


def test_a_signed_in_user_is_named_by_username_and_keeps_their_id():
    user = _user()
    assert isinstance(user, UserActor)
    assert actor_fields(user) == (7, "70275722") and is_user(user)


def test_a_system_actor_is_its_name_and_has_no_user_id():
    assert actor_fields("banco_nacion") == (None, "banco_nacion") and not is_user("banco_nacion")
    assert actor_name("device:" + "G" * 300) == ("device:" + "G" * 300)[:200]


def test_the_portal_itself_and_an_anonymous_visitor():
    assert actor_fields(None) == (None, "sistema") and not is_user(None)
    assert actor_fields(_user(authenticated=False)) == (None, "anónimo")
