"""The procedure catalogue as data: checked when read, versioned when loaded, a case keeps its version."""
import copy

import pytest
from django.core.management import call_command

from tramites import services
from tramites.catalogue import CatalogueError, catalogue_sync, read_catalogue, spec_from_dict, spec_of
from tramites.models import ProcedureType

pytestmark = pytest.mark.django_db


def _entries_with(code: str, **changes):
    entries = copy.deepcopy(read_catalogue())
    for entry in entries:
        if entry["code"] == code:
            entry.update(changes)
    return entries


def test_the_shipped_catalogue_loads_every_procedure_once():
    codes = set(ProcedureType.objects.filter(active=True).values_list("code", flat=True))
    assert {"PRORROGA_RESIDENCIA", "PRORROGA_PERMANENCIA", "CAMBIO_CALIDAD_ESPECIAL_RESIDENTE",
            "CAMBIO_CALIDAD_TRABAJADOR_RESIDENTE", "CAMBIO_CALIDAD_FAMILIAR_RESIDENTE", "PERMISO_FIRMAR_CONTRATOS",
            "PERMISO_ESPECIAL_VIAJE", "DUPLICADO_CARNE", "ACTUALIZACION_DATOS",
            "CERTIFICADO_MOVIMIENTO_MIGRATORIO"} == codes
    # loading again changes nothing
    assert catalogue_sync(read_catalogue(), model=ProcedureType) == {"created": 0, "unchanged": 10, "retired": 0}


def test_a_changed_procedure_is_a_new_version_and_a_draft_keeps_the_one_it_started_under(worker_user, worker):
    draft = services.case_draft_start(user=worker_user, procedure_code="PRORROGA_RESIDENCIA", actor=worker_user)
    assert draft.procedure.version == 1
    # when the term of the procedure changes in the catalogue
    counts = catalogue_sync(_entries_with("PRORROGA_RESIDENCIA", term_business_days=20), model=ProcedureType)
    # then a second version is active, the first is kept for its cases
    assert counts["created"] == 1
    current = ProcedureType.objects.get(code="PRORROGA_RESIDENCIA", active=True)
    assert current.version == 2 and spec_of(current).term_business_days == 20
    draft.refresh_from_db()
    assert draft.procedure.version == 1 and spec_of(draft.procedure).term_business_days == 30


def test_a_procedure_gone_from_the_file_is_retired_not_deleted():
    entries = [e for e in read_catalogue() if e["code"] != "DUPLICADO_CARNE"]
    assert catalogue_sync(entries, model=ProcedureType)["retired"] == 1
    assert ProcedureType.objects.filter(code="DUPLICADO_CARNE", active=False).exists()


@pytest.mark.parametrize("change, named", [
    ({"evaluation": "MAYBE"}, "evaluation"),
    ({"term_business_days": 45}, "term_business_days 45"),
    ({"result": "nothing"}, "result 'nothing'"),
    ({"eligibility": [{"rule": "lucky"}]}, "rule 'lucky'"),
    ({"checks": ["FBI"]}, "check 'FBI'"),
])
def test_a_wrong_entry_is_refused_naming_the_procedure_and_the_key(change, named):
    entry = {**next(e for e in read_catalogue() if e["code"] == "PRORROGA_RESIDENCIA"), **change}
    with pytest.raises(CatalogueError) as refused:
        spec_from_dict(entry)
    assert "PRORROGA_RESIDENCIA" in str(refused.value) and named in str(refused.value)


def test_the_load_command_reports_what_it_did():
    import io

    out = io.StringIO()
    call_command("tramites_load", stdout=out)
    assert "0 nuevas versiones, 10 sin cambios" in out.getvalue()
