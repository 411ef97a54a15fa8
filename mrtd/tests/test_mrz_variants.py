"""TD1 long document numbers whose check digit covers the filler too (older Belgian cards)."""

from datetime import date

from mrtd.mrz import MSG_CHECK_DIGIT, MSG_LONG_NUMBER_FILLER, check_digit, generate_td1, parse_mrz

TODAY = date(2026, 12, 3)
NUMBER = "591234567812"  # 12 characters: nine in the number field, three in the optional data


def _card(number: str = NUMBER, *, belgian: bool) -> list[str]:
    """A Belgian TD1 card; with ``belgian`` the long number's check digit is computed over the
    nine characters, the '<' at position 15 and the rest, and the composite digit follows."""
    lines = generate_td1(issuing_state="BEL", primary_identifier="PEETERS", secondary_identifier="JAN",
                         document_number=number, nationality="BEL", birth_date="850101", sex="M",
                         expiry_date="300101")
    if not belgian:
        return lines
    line1, line2 = lines[0], lines[1]
    rest = number[9:]
    digit_at = 15 + len(rest)
    line1 = line1[:digit_at] + check_digit(line1[5:15] + rest) + line1[digit_at + 1:]
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return [line1, line2[:29] + composite, lines[2]]


def test_the_icao_rule_is_the_default_and_gives_no_warning():
    result = parse_mrz(_card(belgian=False), today=TODAY)
    assert result.valid and result.warnings == {}
    assert result.fields.document_number == NUMBER


def test_a_belgian_card_is_accepted_with_a_warning_naming_the_variant():
    lines = _card(belgian=True)
    # The two rules disagree on this number, so the card fails the ICAO rule alone
    assert check_digit(NUMBER) != check_digit(NUMBER[:9] + "<" + NUMBER[9:])
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert result.warnings == {"document_number": MSG_LONG_NUMBER_FILLER}
    assert "belgas" in result.warnings["document_number"] and "Belgian" in result.warnings["document_number"]
    assert result.fields.document_number == NUMBER
    assert result.fields.document_number_check_digit == check_digit(NUMBER[:9] + "<" + NUMBER[9:])
    assert result.to_dict()["warnings"] == {"document_number": MSG_LONG_NUMBER_FILLER}


def test_with_repair_the_belgian_reading_wins_over_an_ocr_guess():
    result = parse_mrz(_card(belgian=True), repair=True, today=TODAY)
    assert result.valid and result.repairs == []
    assert "document_number" in result.warnings


def test_a_digit_wrong_under_both_rules_is_still_an_error():
    lines = _card(belgian=True)
    digit_at = 15 + len(NUMBER) - 9
    wrong = next(d for d in "0123456789"
                 if d not in (check_digit(NUMBER), check_digit(NUMBER[:9] + "<" + NUMBER[9:])))
    lines[0] = lines[0][:digit_at] + wrong + lines[0][digit_at + 1:]
    result = parse_mrz(lines, today=TODAY)
    assert result.errors["document_number"] == MSG_CHECK_DIGIT
    assert result.warnings == {}


def test_short_numbers_and_other_formats_never_take_the_variant():
    # A nine-character number has no filler inside it to cover
    result = parse_mrz(["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"], today=TODAY)
    assert result.valid and result.warnings == {}
    # ICAO's own long-number specimen stays valid under the ICAO rule
    result = parse_mrz(["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2",
                        "STEVENSON<<PETER<JOHN<<<<<<<<<"], today=TODAY)
    assert result.valid and result.warnings == {} and result.fields.document_number == "D23145890734"
