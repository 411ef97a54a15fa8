"""DRF permissions by role (Django groups)."""
from rest_framework.permissions import BasePermission


def has_role(*role_names: str) -> type[BasePermission]:
    """A permission class admitting authenticated users holding any of the roles."""

    class _HasRole(BasePermission):
        message = "Su rol no permite esta operación."

        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.role_names & set(role_names))

    _HasRole.__name__ = f"HasRole_{'_'.join(role_names)}"
    return _HasRole
