"""Peru's regions (departamentos) by their two-digit UBIGEO code, as INEI numbers them."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    # The codes are INEI's and never change; the names are shown in the admin and in errors.
    AMAZONAS = "01", _("Amazonas")
    ANCASH = "02", _("Áncash")
    APURIMAC = "03", _("Apurímac")
    AREQUIPA = "04", _("Arequipa")
    AYACUCHO = "05", _("Ayacucho")
    CAJAMARCA = "06", _("Cajamarca")
    CALLAO = "07", _("Callao")
    CUSCO = "08", _("Cusco")
    HUANCAVELICA = "09", _("Huancavelica")
    HUANUCO = "10", _("Huánuco")
    ICA = "11", _("Ica")
    JUNIN = "12", _("Junín")
    LA_LIBERTAD = "13", _("La Libertad")
    LAMBAYEQUE = "14", _("Lambayeque")
    LIMA = "15", _("Lima")
    LORETO = "16", _("Loreto")
    MADRE_DE_DIOS = "17", _("Madre de Dios")
    MOQUEGUA = "18", _("Moquegua")
    PASCO = "19", _("Pasco")
    PIURA = "20", _("Piura")
    PUNO = "21", _("Puno")
    SAN_MARTIN = "22", _("San Martín")
    TACNA = "23", _("Tacna")
    TUMBES = "24", _("Tumbes")
    UCAYALI = "25", _("Ucayali")
