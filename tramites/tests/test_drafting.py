"""Officers' starting texts: each procedure gets the ones written for it and the common ones."""
from tramites.catalogue import read_catalogue
from tramites.drafting import KINDS, _all, draft_get, drafts_for


def test_each_procedure_gets_its_own_texts_and_the_common_ones():
    prorroga = {d.key for d in drafts_for("observation", "PRORROGA_RESIDENCIA")}
    certificate = {d.key for d in drafts_for("observation", "CERTIFICADO_MOVIMIENTO_MIGRATORIO")}
    assert {"documento_ilegible", "contrato_sin_firma", "falta_traduccion"} <= prorroga
    assert "contrato_sin_firma" not in certificate and "documento_ilegible" in certificate
    assert draft_get("resolution", "CAMBIO_CALIDAD_ESPECIAL_RESIDENTE", "denegado_antecedentes").outcome == "DENIED"
    assert draft_get("resolution", "PERMISO_FIRMAR_CONTRATOS", "denegado_antecedentes") is None


def test_every_text_names_procedures_of_the_catalogue_and_resolutions_a_known_outcome():
    codes = {entry["code"] for entry in read_catalogue()} | {"*"}
    for kind in KINDS:
        for draft, procedures in _all()[kind]:
            assert set(procedures) <= codes, draft.key
            assert draft.text.strip() and draft.title.strip()
            if kind == "resolution":
                assert draft.outcome in ("APPROVED", "DENIED", "INADMISSIBLE"), draft.key
