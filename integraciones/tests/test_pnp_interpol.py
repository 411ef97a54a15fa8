"""PNP and Interpol clients against their simulators: the deterministic hits and the clear cases."""
from __future__ import annotations

import datetime as dt

import pytest

from integraciones.errors import RequestRejected
from integraciones.interpol import SLTD_LOST, SLTD_STOLEN, InterpolClient
from integraciones.pnp import PnpClient


@pytest.fixture
def pnp(simulator_url: str) -> PnpClient:
    return PnpClient(simulator_url + "/pnp", timeout=2.0, retries=0)


@pytest.fixture
def interpol(simulator_url: str) -> InterpolClient:
    return InterpolClient(simulator_url + "/interpol", timeout=2.0, retries=0)


def test_dni_ending_666_has_a_requisitoria(pnp: PnpClient) -> None:
    result = pnp.check_person("12345666")
    assert not result.clear
    assert len(result.requisitorias) == 1 and result.impedimentos == []
    assert result.checked_at is not None


def test_dni_ending_777_has_an_impedimento_de_salida(pnp: PnpClient) -> None:
    result = pnp.check_person("12345777")
    assert result.requisitorias == []
    assert [i.reason for i in result.impedimentos] == ["Impedimento de salida del país"]


def test_ordinary_dni_is_clear(pnp: PnpClient) -> None:
    assert pnp.check_person("70275722").clear


def test_wanted_name_is_found_regardless_of_accents_and_case(pnp: PnpClient) -> None:
    result = pnp.check_person(names="Juan Pérez  Requisitoriado", birth_date=dt.date(1980, 1, 1))
    assert len(result.requisitorias) == 1


def test_same_name_with_another_birth_date_is_clear(pnp: PnpClient) -> None:
    assert pnp.check_person(names="JUAN PEREZ REQUISITORIADO", birth_date=dt.date(1990, 5, 5)).clear


def test_pnp_rejects_a_malformed_dni(pnp: PnpClient) -> None:
    with pytest.raises(RequestRejected) as rejected:
        pnp.check_person("1234")
    assert rejected.value.field == "dni"


def test_document_ending_999_is_stolen(interpol: InterpolClient) -> None:
    result = interpol.check_sltd("AB1234999", "PER")
    assert result.hit and result.status == SLTD_STOLEN and result.reported_at is not None


def test_document_ending_998_is_lost(interpol: InterpolClient) -> None:
    result = interpol.check_sltd("AB1234998", "D")
    assert result.hit and result.status == SLTD_LOST


def test_other_documents_have_no_sltd_hit(interpol: InterpolClient) -> None:
    result = interpol.check_sltd("AB1234567", "PER")
    assert not result.hit and result.status is None


def test_sltd_rejects_a_bad_country_code(interpol: InterpolClient) -> None:
    with pytest.raises(RequestRejected) as rejected:
        interpol.check_sltd("AB1234567", "PERU")
    assert rejected.value.field == "country"


def test_red_notice_found_by_name(interpol: InterpolClient) -> None:
    notices = interpol.search_notices("Víctor Bout Notice")
    assert [(n.notice_type, n.name) for n in notices] == [("RED", "VICTOR BOUT NOTICE")]


def test_no_notice_for_an_ordinary_name(interpol: InterpolClient) -> None:
    assert interpol.search_notices("ROSA ELENA QUISPE MAMANI", dt.date(1985, 3, 21)) == []
