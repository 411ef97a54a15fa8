"""What every page's layout shows besides its content: the public channels and the State's links."""
from django.conf import settings


def portal(request) -> dict:
    return {"LIBRO_RECLAMACIONES_URL": settings.LIBRO_RECLAMACIONES_URL}
