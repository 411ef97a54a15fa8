"""MRZ parsing, validation, repair and generation against ICAO9303.md and round trips."""

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mrtd.errors import MRZError
from mrtd.mrz import (
    COUNTRY_CODES, bac_key_seed_info, check_digit, generate_mrva, generate_mrvb, generate_td1,
    generate_td2, generate_td3, parse_mrz, to_mrz_text,
)

TODAY = date(2026, 6, 1)
TD3_NAME = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
TD3 = [TD3_NAME, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD3_OLD = [TD3_NAME, "L898902C<3UTO6908061F9406236ZE184226B<<<<<14"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD1_LONG = ["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
GERMANY = ["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<", "C11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6"]
PERU_DNI = ["I<PER70275722<2<<<<<<<<<<<<<<<", "8906120M2107165PER<<<<<<<<<<<8", "CARDENAS<<JORGE<ANTHONY<<<<<<<"]


@pytest.mark.parametrize(
    "lines, doc_type, number, number_cd, birth, expiry, sex, nationality",
    [
        (TD3, "TD3", "L898902C3", "6", date(1974, 8, 12), date(2012, 4, 15), "F", "UTO"),
        (TD3_OLD, "TD3", "L898902C", "3", date(1969, 8, 6), date(1994, 6, 23), "F", "UTO"),
        (TD1, "TD1", "D23145890", "7", date(1974, 8, 12), date(2012, 4, 15), "F", "UTO"),
        (TD1_LONG, "TD1", "D23145890734", "9", date(1934, 7, 12), date(1995, 7, 12), "M", "UTO"),
        (TD2, "TD2", "D23145890", "7", date(1974, 8, 12), date(2012, 4, 15), "F", "UTO"),
        (GERMANY, "TD3", "C11T002JM", "4", date(1996, 8, 12), date(2013, 10, 31), "F", "D"),
        (PERU_DNI, "TD1", "70275722", "2", date(1989, 6, 12), date(2021, 7, 16), "M", "PER"),
    ],
)
def test_icao_reference_documents_are_valid_with_their_fields(lines, doc_type, number, number_cd, birth, expiry, sex, nationality):
    # Given a reference MRZ from ICAO9303.md, when parsed
    result = parse_mrz(lines, today=TODAY)
    # then it is valid and every field reads as printed
    assert result.valid, result.errors
    assert result.document_type == doc_type
    f = result.fields
    assert (f.document_number, f.document_number_check_digit) == (number, number_cd)
    assert (f.birth_date, f.expiry_date, f.sex, f.nationality) == (birth, expiry, sex, nationality)


def test_specimen_names_split_into_primary_and_secondary_identifiers():
    f = parse_mrz(TD3, today=TODAY).fields
    assert (f.primary_identifier, f.secondary_identifier, f.names_truncated) == ("ERIKSSON", "ANNA MARIA", False)
    assert f.optional_data == "ZE184226B"


def test_peru_dni_mrz_check_digit_is_not_the_printed_dni_digit():
    # The card prints 70275722 - 9; the MRZ check digit is 2 and must be what we report.
    f = parse_mrz(PERU_DNI, today=TODAY).fields
    assert f.document_number_check_digit == "2" != "9"
    assert (f.primary_identifier, f.secondary_identifier) == ("CARDENAS", "JORGE ANTHONY")


def test_altered_birth_check_digit_fails_birth_and_composite_only():
    lines = [TD3_NAME, "L898902C<3UTO6908069F9406236ZE184226B<<<<<14"]
    result = parse_mrz(lines, today=TODAY)
    assert not result.valid
    assert set(result.errors) == {"birth_date", "composite"}


def test_each_field_error_is_named():
    bad_country = [TD3[0].replace("UTO", "QQQ", 1), TD3[1]]
    assert set(parse_mrz(bad_country, today=TODAY).errors) == {"issuing_state"}
    bad_sex = [TD3[0], TD3[1][:20] + "Y" + TD3[1][21:]]
    assert set(parse_mrz(bad_sex, today=TODAY).errors) == {"sex"}
    bad_expiry = generate_td3(issuing_state="PER", primary_identifier="A", document_number="X1",
                              nationality="PER", birth_date="900101", sex="M", expiry_date="301301")
    assert "expiry_date" in parse_mrz(bad_expiry, today=TODAY).errors


def test_filler_as_optional_data_check_digit_only_when_optional_data_is_empty():
    empty = GERMANY
    assert parse_mrz(empty, today=TODAY).valid
    line2 = TD3[1][:42] + "<" + TD3[1][43:]  # non-empty personal number with '<' check digit
    result = parse_mrz([TD3[0], line2], today=TODAY)
    assert "optional_data" in result.errors


def test_country_codes_include_icao_specific_codes():
    for code in ("D", "XXA", "XXB", "XXC", "XXX", "UNO", "GBD", "PER", "UTO"):
        assert code in COUNTRY_CODES
    assert "ZZZ" not in COUNTRY_CODES


def test_dates_pick_a_sensible_century():
    lines = generate_td3(issuing_state="PER", primary_identifier="QUISPE", document_number="123456789",
                         nationality="PER", birth_date="300101", sex="F", expiry_date="350101")
    f = parse_mrz(lines, today=TODAY).fields
    assert f.birth_date == date(1930, 1, 1)  # a birth in 2030 has not happened yet
    assert f.expiry_date == date(2035, 1, 1)


def test_truncated_names_are_flagged():
    lines = generate_td3(issuing_state="PER", primary_identifier="DE LA CRUZ HUAMANI VILLANUEVA",
                         secondary_identifier="MARIA DEL CARMEN ALEJANDRA", document_number="123456789",
                         nationality="PER", birth_date="900101", sex="F", expiry_date="300101")
    f = parse_mrz(lines, today=TODAY).fields
    assert f.names_truncated
    assert f.primary_identifier == "DE LA CRUZ HUAMANI VILLANUEVA"


def test_unparseable_mrz_raises_typed_error():
    with pytest.raises(MRZError):
        parse_mrz(["P<UTO", "L898"])
    with pytest.raises(MRZError):
        parse_mrz([TD3[0], TD3[1].replace("L", "ł")])


def test_check_digit_and_bac_seed_info_match_icao():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert bac_key_seed_info(parse_mrz(TD3_OLD)) == "L898902C<369080619406236"


def test_long_document_number_goes_whole_into_bac_seed():
    assert bac_key_seed_info(parse_mrz(TD1_LONG)).startswith("D231458907349")


# --- OCR repair ---------------------------------------------------------------------------


def test_ocr_repair_fixes_letters_in_digit_fields_and_reports_it():
    # Given a scan that read the 0 of the birth date as O and the 1 as I
    line2 = TD3[1].replace("7408122", "74O8I22")
    plain = parse_mrz([TD3[0], line2], today=TODAY)
    assert not plain.valid
    # when repair is asked for, then the MRZ is valid and the repair is listed
    repaired = parse_mrz([TD3[0], line2], repair=True, today=TODAY)
    assert repaired.valid, repaired.errors
    assert repaired.fields.birth_date == date(1974, 8, 12)
    assert [(r.field, r.original, r.repaired) for r in repaired.repairs] == [("birth_date", "74O8I22", "7408122")]


def test_ocr_repair_of_document_number_and_name():
    line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10".replace("L898902C3", "L8989O2C3")
    name = TD3_NAME.replace("ERIKSSON", "ERIK55ON")
    result = parse_mrz([name, line2], repair=True, today=TODAY)
    assert result.valid, result.errors
    assert result.fields.document_number == "L898902C3"
    assert result.fields.primary_identifier == "ERIKSSON"
    assert {r.field for r in result.repairs} == {"document_number", "names"}


def test_ocr_repair_is_not_applied_when_check_digits_still_fail():
    line2 = TD3[1].replace("7408122", "7408132")  # a wrong digit, not an OCR confusion
    result = parse_mrz([TD3[0], line2], repair=True, today=TODAY)
    assert not result.valid and result.repairs == []
    assert "birth_date" in result.errors


# --- generation ---------------------------------------------------------------------------


def test_generation_reproduces_the_icao_specimens():
    common = dict(issuing_state="UTO", nationality="UTO", primary_identifier="ERIKSSON",
                  secondary_identifier="ANNA MARIA", birth_date=date(1974, 8, 12), sex="F", expiry_date="120415")
    assert generate_td3(document_number="L898902C3", optional_data="ZE184226B", **common) == TD3
    assert generate_td1(document_number="D23145890", **common) == TD1
    assert generate_td2(document_number="D23145890", **common) == TD2
    long = generate_td1(document_number="D23145890734", issuing_state="UTO", nationality="UTO",
                        primary_identifier="STEVENSON", secondary_identifier="PETER JOHN",
                        birth_date="340712", sex="M", expiry_date="950712")
    assert long == TD1_LONG


def test_generation_transliterates_spanish_names():
    assert to_mrz_text("Núñez-Peña") == "NUNEZ<PENA"
    assert to_mrz_text("María José") == "MARIA<JOSE"
    assert to_mrz_text("O'Higgins") == "OHIGGINS"


def test_generation_refuses_what_does_not_fit():
    with pytest.raises(MRZError, match="document_number"):
        generate_td3(issuing_state="PER", primary_identifier="A", document_number="1234567890123",
                     nationality="PER", birth_date="900101", sex="M", expiry_date="300101")
    with pytest.raises(MRZError, match="nationality"):
        generate_td3(issuing_state="PER", primary_identifier="A", document_number="1",
                     nationality="ZZZ", birth_date="900101", sex="M", expiry_date="300101")


_name = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10)
_alnum = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
_dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31))
_expiry = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
_countries = st.sampled_from(sorted(COUNTRY_CODES))


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]), primary=_name, secondary=_name,
       number=_alnum, long_tail=st.text(alphabet="0123456789", max_size=3), state=_countries,
       nationality=_countries, birth=_dates, expiry=_expiry, sex=st.sampled_from("MF<"))
def test_generate_then_parse_round_trips(kind, primary, secondary, number, long_tail, state, nationality,
                                         birth, expiry, sex):
    assume(birth < expiry)
    generator = {"TD1": generate_td1, "TD2": generate_td2, "TD3": generate_td3,
                 "MRVA": generate_mrva, "MRVB": generate_mrvb}[kind]
    if kind in ("TD1", "TD2") and len(number) == 9:
        number += long_tail  # long document numbers exist only on cards
    lines = generator(issuing_state=state, primary_identifier=primary, secondary_identifier=secondary,
                      document_number=number, nationality=nationality, birth_date=birth, sex=sex,
                      expiry_date=expiry)
    result = parse_mrz(lines, today=TODAY)
    assert result.valid, (lines, result.errors)
    assert result.document_type == kind
    f = result.fields
    assert f.document_number == number.rstrip("<")
    assert (f.birth_date, f.expiry_date) == (birth, expiry)
    assert (f.issuing_state, f.nationality, f.sex) == (state, nationality, sex)
    assert (f.primary_identifier, f.secondary_identifier) == (primary, secondary)


def test_birth_after_expiry_moves_birth_to_the_previous_century():
    lines = generate_td3(issuing_state="PER", primary_identifier="ROJAS", document_number="123456789",
                         nationality="PER", birth_date="190908", sex="M", expiry_date="181018")
    f = parse_mrz(lines, today=TODAY).fields
    assert (f.birth_date, f.expiry_date) == (date(1919, 9, 8), date(2018, 10, 18))
