"""Machine readable zone (ICAO 9303 Parts 3-7): parse, validate, repair and generate TD1, TD2, TD3, MRV-A, MRV-B."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

from mrtd.errors import MRZError

FILLER = "<"
_CHARSET = re.compile(r"^[A-Z0-9<]*$")
_WEIGHTS = (7, 3, 1)

# ISO 3166-1 alpha-3 (public list) plus the codes ICAO 9303 Part 3 adds (D for Germany,
# the British and UN codes, the X.. codes for stateless persons and organisations).
_ISO3166_ALPHA3 = """
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD
BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR
COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH
ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL
GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR
JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR
MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL
NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY
PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP
SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""
_ICAO_CODES = """
D GBD GBN GBO GBP GBS UNO UNA UNK XBA XIM XCC XCE XCO XDC XEC XES XGZ XMP XOM XPO XSC
XXA XXB XXC XXX EUE RKS UTO
"""
COUNTRY_CODES: frozenset[str] = frozenset(_ISO3166_ALPHA3.split()) | frozenset(_ICAO_CODES.split())

# OCR confusions, applied by field type (a digit field never holds letters and vice versa).
_TO_DIGIT = {"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
_TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}

# Transliterations of ICAO 9303 Part 3 section 6 for the letters a Peruvian register meets.
_TRANSLIT = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Æ": "AE", "Ø": "OE", "ß": "SS", "Ñ": "N", "Þ": "TH"}

MSG_CHECK_DIGIT = "Dígito de control incorrecto / wrong check digit"
MSG_DATE = "Fecha inválida / invalid date"
MSG_COUNTRY = "Código de país desconocido / unknown country code"
MSG_SEX = "Sexo debe ser M, F o < / sex must be M, F or <"
MSG_NAME = "Nombre con caracteres no alfabéticos / name has non-letters"
MSG_CODE = "Código de documento inválido / invalid document code"
MSG_LONG_NUMBER_FILLER = (
    "dígito de control del número largo calculado sobre el relleno '<' de la posición 15 (variante de "
    "tarjetas belgas antiguas) / long document number check digit computed over the '<' filler at "
    "position 15 too (older Belgian cards variant)"
)
MSG_OPTIONAL_FILLER = (
    "'<' como dígito de control solo si los datos opcionales están vacíos / "
    "'<' check digit only for empty optional data"
)


def check_digit(s: str) -> str:
    """ICAO 9303 check digit of `s`: weights 7, 3, 1; digits, letters A=10..Z=35, '<' = 0."""
    total = 0
    for i, ch in enumerate(s):
        if "0" <= ch <= "9":
            value = ord(ch) - 48
        elif "A" <= ch <= "Z":
            value = ord(ch) - 55
        elif ch == FILLER:
            value = 0
        else:
            raise MRZError(f"carácter no válido en MRZ / invalid MRZ character: {ch!r}")
        total += value * _WEIGHTS[i % 3]
    return str(total % 10)


# --- layouts -------------------------------------------------------------------------------

Span = tuple[int, int, int]  # line, start, end (end exclusive)


@dataclass(frozen=True)
class _Layout:
    name: str
    lines: int
    width: int
    spans: dict[str, Span]
    check_digits: dict[str, tuple[int, int]]  # field -> (line, position)
    composite: tuple[tuple[int, int], tuple[Span, ...]] | None
    long_number_in: str | None  # optional-data field that may carry a long document number


def _line2(width: int, optional_end: int) -> dict[str, Span]:
    return {
        "document_number": (1, 0, 9),
        "nationality": (1, 10, 13),
        "birth_date": (1, 13, 19),
        "sex": (1, 20, 21),
        "expiry_date": (1, 21, 27),
        "optional_data": (1, 28, optional_end),
    }


_LINE2_CDS = {"document_number": (1, 9), "birth_date": (1, 19), "expiry_date": (1, 27)}
_HEAD = {"document_code": (0, 0, 2), "issuing_state": (0, 2, 5)}

LAYOUTS: dict[str, _Layout] = {
    "TD3": _Layout(
        "TD3", 2, 44, {**_HEAD, "names": (0, 5, 44), **_line2(44, 42)},
        {**_LINE2_CDS, "optional_data": (1, 42)},
        ((1, 43), ((1, 0, 10), (1, 13, 20), (1, 21, 43))), None,
    ),
    "MRVA": _Layout("MRVA", 2, 44, {**_HEAD, "names": (0, 5, 44), **_line2(44, 44)}, dict(_LINE2_CDS), None, None),
    "TD2": _Layout(
        "TD2", 2, 36, {**_HEAD, "names": (0, 5, 36), **_line2(36, 35)}, dict(_LINE2_CDS),
        ((1, 35), ((1, 0, 10), (1, 13, 20), (1, 21, 35))), "optional_data",
    ),
    "MRVB": _Layout("MRVB", 2, 36, {**_HEAD, "names": (0, 5, 36), **_line2(36, 36)}, dict(_LINE2_CDS), None, None),
    "TD1": _Layout(
        "TD1", 3, 30,
        {
            **_HEAD, "document_number": (0, 5, 14), "optional_data": (0, 15, 30),
            "birth_date": (1, 0, 6), "sex": (1, 7, 8), "expiry_date": (1, 8, 14),
            "nationality": (1, 15, 18), "optional_data_2": (1, 18, 29), "names": (2, 0, 30),
        },
        {"document_number": (0, 14), "birth_date": (1, 6), "expiry_date": (1, 14)},
        ((1, 29), ((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29))), "optional_data",
    ),
}


def _detect_layout(lines: list[str]) -> _Layout:
    shape = (len(lines), len(lines[0]) if lines else 0)
    if any(len(line) != shape[1] for line in lines):
        raise MRZError("líneas de distinta longitud / lines of different lengths")
    is_visa = bool(lines) and lines[0].startswith("V")
    by_shape = {(3, 30): "TD1", (2, 44): "MRVA" if is_visa else "TD3", (2, 36): "MRVB" if is_visa else "TD2"}
    if shape not in by_shape:
        raise MRZError(f"formato MRZ desconocido / unknown MRZ format: {shape[0]} líneas de {shape[1]}")
    return LAYOUTS[by_shape[shape]]


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MRZFields:
    """Decoded fields. Indexable like a dict too (`fields["document_number"]`)."""

    document_code: str
    issuing_state: str
    document_number: str
    document_number_check_digit: str
    birth_date: date | None
    expiry_date: date | None
    sex: str
    nationality: str
    primary_identifier: str
    secondary_identifier: str
    names_truncated: bool
    optional_data: str
    optional_data_2: str = ""

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("birth_date", "expiry_date"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass(frozen=True)
class Repair:
    """One OCR correction: the field, the text as read and the text that made it valid."""

    field: str
    original: str
    repaired: str


@dataclass(frozen=True)
class MRZResult:
    document_type: str
    lines: list[str]
    fields: MRZFields
    errors: dict[str, str]
    repairs: list[Repair] = field(default_factory=list)
    # Accepted departures from the ICAO rules, field -> message (MSG_LONG_NUMBER_FILLER).
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_type": self.document_type,
            "valid": self.valid,
            "lines": self.lines,
            "fields": self.fields.to_dict(),
            "errors": self.errors,
            "repairs": [asdict(r) for r in self.repairs],
            "warnings": dict(self.warnings),
        }


# --- the grid: MRZ characters addressed by (line, position) -----------------------------------


class _Grid:
    def __init__(self, lines: list[str]):
        self.rows = [list(line) for line in lines]

    def get(self, span: Span) -> str:
        line, start, end = span
        return "".join(self.rows[line][start:end])

    def at(self, pos: tuple[int, int]) -> str:
        return self.rows[pos[0]][pos[1]]

    def lines(self) -> list[str]:
        return ["".join(r) for r in self.rows]


@dataclass
class _CheckUnit:
    """Characters protected by one check digit, as grid positions, and what they may hold."""

    field: str
    data: list[tuple[int, int]]
    digit: tuple[int, int]
    kind: str  # "numeric" or "alnum"

    def passes(self, grid: _Grid) -> bool:
        cd = grid.at(self.digit)
        data = "".join(grid.at(p) for p in self.data)
        return cd == check_digit(data)


def _positions(span: Span) -> list[tuple[int, int]]:
    line, start, end = span
    return [(line, i) for i in range(start, end)]


def _long_number_extension(grid: _Grid, layout: _Layout) -> list[tuple[int, int]] | None:
    """Positions of the rest of a long document number and its check digit, if used (TD1/TD2)."""
    if layout.long_number_in is None:
        return None
    if grid.at(layout.check_digits["document_number"]) != FILLER:
        return None
    span = layout.spans[layout.long_number_in]
    opt = grid.get(span)
    if grid.get(layout.spans["document_number"]).endswith(FILLER) or not opt or opt[0] == FILLER:
        return None
    length = len(opt.split(FILLER, 1)[0])
    if length < 2:
        return None
    return [(span[0], span[1] + i) for i in range(length)]


def _check_units(grid: _Grid, layout: _Layout) -> list[_CheckUnit]:
    units: list[_CheckUnit] = []
    for name, digit in layout.check_digits.items():
        data = _positions(layout.spans[name])
        kind = "numeric" if name.endswith("_date") else "alnum"
        if name == "document_number":
            extension = _long_number_extension(grid, layout)
            if extension:
                data, digit = data + extension[:-1], extension[-1]
        if name == "optional_data" and grid.at(digit) == FILLER:
            continue  # '<' check digit: validated by the filler rule, not by arithmetic
        units.append(_CheckUnit(name, data, digit, kind))
    return units


def _filler_variant_unit(grid: _Grid, layout: _Layout) -> _CheckUnit | None:
    """The long document number of a TD1 card as older Belgian cards compute its check digit: over
    the nine first characters, the '<' after them (position 15) and the rest of the number."""
    if layout.name != "TD1":
        return None
    extension = _long_number_extension(grid, layout)
    if not extension:
        return None
    head = _positions(layout.spans["document_number"]) + [layout.check_digits["document_number"]]
    return _CheckUnit("document_number", head + extension[:-1], extension[-1], "alnum")


def _filler_variant_passes(grid: _Grid, layout: _Layout) -> bool:
    unit = _filler_variant_unit(grid, layout)
    return unit is not None and unit.passes(grid)


def _composite_unit(layout: _Layout) -> _CheckUnit | None:
    if layout.composite is None:
        return None
    digit, spans = layout.composite
    data = [p for span in spans for p in _positions(span)]
    return _CheckUnit("composite", data, digit, "numeric")


# --- repair --------------------------------------------------------------------------------


def _alternatives(ch: str, kind: str) -> list[str]:
    if kind == "numeric":
        return [_TO_DIGIT[ch]] if ch in _TO_DIGIT else []
    options = []
    if ch in _TO_DIGIT:
        options.append(_TO_DIGIT[ch])
    if ch in _TO_LETTER:
        options.append(_TO_LETTER[ch])
    return options


def _repair_unit(grid: _Grid, unit: _CheckUnit, max_changes: int = 3) -> Repair | None:
    """Try OCR substitutions on a failing unit; keep the smallest change that makes it pass."""
    if unit.passes(grid):
        return None
    positions = unit.data + [unit.digit]
    original = "".join(grid.at(p) for p in positions)
    ambiguous = [
        (p, _alternatives(grid.at(p), "numeric" if p == unit.digit else unit.kind)) for p in positions
    ]
    ambiguous = [(p, alts) for p, alts in ambiguous if alts]
    for n_changes in range(1, min(max_changes, len(ambiguous)) + 1):
        for combo in itertools.combinations(ambiguous, n_changes):
            for choice in itertools.product(*(alts for _, alts in combo)):
                saved = [(p, grid.at(p)) for p, _ in combo]
                for (p, _), ch in zip(combo, choice):
                    grid.rows[p[0]][p[1]] = ch
                if unit.passes(grid):
                    return Repair(unit.field, original, "".join(grid.at(p) for p in positions))
                for p, ch in saved:
                    grid.rows[p[0]][p[1]] = ch
    return None


def _repair_alpha_field(grid: _Grid, name: str, span: Span, accept: Callable[[str], bool]) -> Repair | None:
    text = grid.get(span)
    fixed = "".join(_TO_LETTER.get(ch, ch) for ch in text)
    if fixed == text or not accept(fixed):
        return None
    line, start, _ = span
    grid.rows[line][start:start + len(fixed)] = list(fixed)
    return Repair(name, text, fixed)


def _repair(grid: _Grid, layout: _Layout) -> list[Repair]:
    repairs: list[Repair] = []
    for name in ("issuing_state", "nationality"):
        r = _repair_alpha_field(grid, name, layout.spans[name], lambda s: s.rstrip(FILLER) in COUNTRY_CODES)
        if r:
            repairs.append(r)
    # Names carry no check digit but never hold digits: a digit there is always an OCR slip.
    r = _repair_alpha_field(grid, "names", layout.spans["names"], lambda s: not re.search(r"\d", s))
    if r:
        repairs.append(r)
    for unit in _check_units(grid, layout):
        if unit.field == "document_number" and not unit.passes(grid) and _filler_variant_passes(grid, layout):
            continue  # valid as read under the Belgian variant: no OCR guess is better than that
        r = _repair_unit(grid, unit)
        if r:
            repairs.append(r)
    composite = _composite_unit(layout)
    if composite:
        r = _repair_unit(grid, composite, max_changes=1)
        if r:
            repairs.append(r)
    return repairs


# --- decoding ------------------------------------------------------------------------------


def _century_date(yymmdd: str, *, past: bool, today: date) -> date | None:
    if not yymmdd.isdigit():
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    # Birth dates lie in the past; expiry dates within 50 years either side of today.
    year = 2000 + yy
    if past and year > today.year:
        year -= 100
    if not past and year > today.year + 50:
        year -= 100
    try:
        result = date(year, mm, dd)
    except ValueError:
        return None
    if past and result > today:
        result = _previous_century(result)
    return result


def _previous_century(day: date) -> date:
    try:
        return day.replace(year=day.year - 100)
    except ValueError:  # 29 February in a year that is not a leap year a century earlier
        return day.replace(year=day.year - 100, day=28)


def _split_names(names: str) -> tuple[str, str, bool]:
    truncated = not names.endswith(FILLER)
    body = names.rstrip(FILLER)
    primary, _, secondary = body.partition("<<")
    return (
        primary.replace(FILLER, " ").strip(),
        " ".join(secondary.replace(FILLER, " ").split()),
        truncated,
    )


def _normalize(lines: list[str] | str) -> list[str]:
    if isinstance(lines, str):
        lines = lines.split()
    cleaned = [line.strip().upper().replace(" ", "") for line in lines if line.strip()]
    for i, line in enumerate(cleaned):
        if not _CHARSET.match(line):
            raise MRZError(f"línea {i + 1}: caracteres no válidos / invalid characters")
    if not cleaned:
        raise MRZError("MRZ vacía / empty MRZ")
    return cleaned


def _document_number(grid: _Grid, layout: _Layout) -> tuple[str, str, str]:
    """(document number, its check digit, optional data without the number's extension)."""
    number = grid.get(layout.spans["document_number"])
    cd = grid.at(layout.check_digits["document_number"])
    opt_name = layout.long_number_in or "optional_data"
    optional = grid.get(layout.spans[opt_name])
    extension = _long_number_extension(grid, layout)
    if extension:
        rest = "".join(grid.at(p) for p in extension)
        return number + rest[:-1], rest[-1], optional[len(rest):]
    return number.rstrip(FILLER), cd, optional


def parse_mrz(lines: list[str] | str, *, repair: bool = False, today: date | None = None) -> MRZResult:
    """Parse and validate an MRZ; `errors` names each failing field. Raises MRZError if unreadable."""
    today = today or date.today()
    grid = _Grid(_normalize(lines))
    layout = _detect_layout(grid.lines())
    repairs = _repair(grid, layout) if repair else []
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}

    for unit in _check_units(grid, layout):
        if unit.passes(grid):
            continue
        # The ICAO rule is tried first; a long TD1 number may then pass under the Belgian variant.
        if unit.field == "document_number" and _filler_variant_passes(grid, layout):
            warnings["document_number"] = MSG_LONG_NUMBER_FILLER
        else:
            errors[unit.field] = MSG_CHECK_DIGIT
    composite = _composite_unit(layout)
    if composite and not composite.passes(grid):
        errors["composite"] = MSG_CHECK_DIGIT
    if "optional_data" in layout.check_digits:
        cd = grid.at(layout.check_digits["optional_data"])
        if cd == FILLER and grid.get(layout.spans["optional_data"]).strip(FILLER):
            errors["optional_data"] = MSG_OPTIONAL_FILLER

    birth = _century_date(grid.get(layout.spans["birth_date"]), past=True, today=today)
    expiry = _century_date(grid.get(layout.spans["expiry_date"]), past=False, today=today)
    if birth and expiry and birth > expiry:
        birth = _previous_century(birth)  # nobody holds a document that expired before their birth
    if birth is None:
        errors.setdefault("birth_date", MSG_DATE)
    if expiry is None:
        errors.setdefault("expiry_date", MSG_DATE)

    code = grid.get(layout.spans["document_code"])
    if not code[0].isalpha() or code[1].isdigit():
        errors["document_code"] = MSG_CODE
    for name in ("issuing_state", "nationality"):
        if grid.get(layout.spans[name]).rstrip(FILLER) not in COUNTRY_CODES:
            errors[name] = MSG_COUNTRY
    sex = grid.get(layout.spans["sex"])
    if sex not in ("M", "F", "X", FILLER):
        errors["sex"] = MSG_SEX
    names = grid.get(layout.spans["names"])
    primary, secondary, truncated = _split_names(names)
    if re.search(r"\d", names):
        errors["primary_identifier"] = MSG_NAME

    number, number_cd, optional = _document_number(grid, layout)
    optional_2 = grid.get(layout.spans["optional_data_2"]) if "optional_data_2" in layout.spans else ""
    fields = MRZFields(
        document_code=code.rstrip(FILLER),
        issuing_state=grid.get(layout.spans["issuing_state"]).rstrip(FILLER),
        document_number=number,
        document_number_check_digit=number_cd,
        birth_date=birth,
        expiry_date=expiry,
        sex=sex,
        nationality=grid.get(layout.spans["nationality"]).rstrip(FILLER),
        primary_identifier=primary,
        secondary_identifier=secondary,
        names_truncated=truncated,
        optional_data=optional.rstrip(FILLER),
        optional_data_2=optional_2.rstrip(FILLER),
    )
    return MRZResult(layout.name, grid.lines(), fields, errors, repairs, warnings)


def bac_key_seed_info(result: MRZResult) -> str:
    """MRZ information for BAC: document number, birth date and expiry date, each with its check digit."""
    grid = _Grid(result.lines)
    layout = LAYOUTS[result.document_type]
    number = result.fields.document_number
    number = number if len(number) >= 9 else number.ljust(9, FILLER)
    birth = grid.get(layout.spans["birth_date"])
    expiry = grid.get(layout.spans["expiry_date"])
    return number + check_digit(number) + birth + check_digit(birth) + expiry + check_digit(expiry)


# --- generation ----------------------------------------------------------------------------


def to_mrz_text(text: str) -> str:
    """Transliterate a name part to MRZ characters (ICAO 9303 Part 3: accents dropped, Ñ as N)."""
    out = []
    for ch in text.upper():
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
            continue
        base = unicodedata.normalize("NFKD", ch)[0]
        if "A" <= base <= "Z" or "0" <= base <= "9":
            out.append(base)
        elif base in " -<,":
            out.append(FILLER)
        # Apostrophes, dots and other marks are omitted.
    return re.sub("<+", FILLER, "".join(out)).strip(FILLER)


def _name_field(primary: str, secondary: str, width: int) -> str:
    names = to_mrz_text(primary)
    if secondary:
        names += "<<" + to_mrz_text(secondary)
    if not names:
        raise MRZError("primary_identifier: vacío / empty")
    return names[:width].ljust(width, FILLER)


def _fit(value: str, width: int, field_name: str) -> str:
    value = value.upper().replace(" ", FILLER)
    if len(value) > width or not _CHARSET.match(value):
        raise MRZError(f"{field_name}: no cabe o tiene caracteres no válidos / too long or invalid: {value!r}")
    return value.ljust(width, FILLER)


def _yymmdd(value: date | str, field_name: str) -> str:
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    if not re.fullmatch(r"\d{6}", value):
        raise MRZError(f"{field_name}: se espera AAMMDD / expected YYMMDD: {value!r}")
    return value


def _country(value: str, field_name: str) -> str:
    value = value.upper()
    if value.rstrip(FILLER) not in COUNTRY_CODES:
        raise MRZError(f"{field_name}: {MSG_COUNTRY}: {value!r}")
    return value.ljust(3, FILLER)


def _sex(value: str) -> str:
    value = (value or FILLER).upper()
    if value not in ("M", "F", "X", FILLER):
        raise MRZError(f"sex: {MSG_SEX}")
    return FILLER if value == "X" else value


def _number_and_optional(number: str, optional: str, opt_width: int, allow_long: bool) -> tuple[str, str]:
    """The 10-character number+check digit zone and the optional data (long-number rule of TD1/TD2)."""
    number = number.upper().replace(" ", "")
    if len(number) <= 9:
        padded = _fit(number, 9, "document_number")
        return padded + check_digit(padded), _fit(optional, opt_width, "optional_data")
    if not allow_long:
        raise MRZError("document_number: más de 9 caracteres / longer than 9 characters")
    head, rest = number[:9], number[9:]
    extension = rest + check_digit(number) + (FILLER + optional if optional else "")
    return head + FILLER, _fit(extension, opt_width, "optional_data")


def _line2_common(number_zone: str, nationality: str, birth: str, sex: str, expiry: str) -> str:
    return number_zone + nationality + birth + check_digit(birth) + sex + expiry + check_digit(expiry)


def _composite(*parts: str) -> str:
    return check_digit("".join(parts))


def generate_td3(
    *, issuing_state: str, primary_identifier: str, secondary_identifier: str = "", document_number: str,
    nationality: str, birth_date: date | str, sex: str, expiry_date: date | str,
    optional_data: str = "", document_code: str = "P",
) -> list[str]:
    """Two 44-character lines of a passport (TD3)."""
    line1 = _fit(document_code, 2, "document_code") + _country(issuing_state, "issuing_state")
    line1 += _name_field(primary_identifier, secondary_identifier, 39)
    zone, _ = _number_and_optional(document_number, "", 0, allow_long=False)
    optional = _fit(optional_data, 14, "optional_data")
    opt_cd = check_digit(optional)
    line2 = _line2_common(zone, _country(nationality, "nationality"), _yymmdd(birth_date, "birth_date"),
                          _sex(sex), _yymmdd(expiry_date, "expiry_date")) + optional + opt_cd
    return [line1, line2 + _composite(line2[0:10], line2[13:20], line2[21:43])]


def generate_td2(
    *, issuing_state: str, primary_identifier: str, secondary_identifier: str = "", document_number: str,
    nationality: str, birth_date: date | str, sex: str, expiry_date: date | str,
    optional_data: str = "", document_code: str = "I",
) -> list[str]:
    """Two 36-character lines of a TD2 card (long document numbers go into the optional data)."""
    line1 = _fit(document_code, 2, "document_code") + _country(issuing_state, "issuing_state")
    line1 += _name_field(primary_identifier, secondary_identifier, 31)
    zone, optional = _number_and_optional(document_number, optional_data, 7, allow_long=True)
    line2 = _line2_common(zone, _country(nationality, "nationality"), _yymmdd(birth_date, "birth_date"),
                          _sex(sex), _yymmdd(expiry_date, "expiry_date")) + optional
    return [line1, line2 + _composite(line2[0:10], line2[13:20], line2[21:35])]


def generate_td1(
    *, issuing_state: str, primary_identifier: str, secondary_identifier: str = "", document_number: str,
    nationality: str, birth_date: date | str, sex: str, expiry_date: date | str,
    optional_data: str = "", optional_data_2: str = "", document_code: str = "I",
) -> list[str]:
    """Three 30-character lines of an ID card (TD1), such as the carné de extranjería."""
    zone, optional = _number_and_optional(document_number, optional_data, 15, allow_long=True)
    line1 = _fit(document_code, 2, "document_code") + _country(issuing_state, "issuing_state") + zone + optional
    birth, expiry = _yymmdd(birth_date, "birth_date"), _yymmdd(expiry_date, "expiry_date")
    line2 = (birth + check_digit(birth) + _sex(sex) + expiry + check_digit(expiry)
             + _country(nationality, "nationality") + _fit(optional_data_2, 11, "optional_data_2"))
    line2 += _composite(line1[5:30], line2[0:7], line2[8:15], line2[18:29])
    return [line1, line2, _name_field(primary_identifier, secondary_identifier, 30)]


def _generate_visa(width: int, kwargs: dict[str, Any]) -> list[str]:
    code = kwargs.pop("document_code", "V")
    optional_data = kwargs.pop("optional_data", "")
    line1 = _fit(code, 2, "document_code") + _country(kwargs["issuing_state"], "issuing_state")
    line1 += _name_field(kwargs["primary_identifier"], kwargs.get("secondary_identifier", ""), width - 5)
    zone, _ = _number_and_optional(kwargs["document_number"], "", 0, allow_long=False)
    line2 = _line2_common(zone, _country(kwargs["nationality"], "nationality"),
                          _yymmdd(kwargs["birth_date"], "birth_date"), _sex(kwargs["sex"]),
                          _yymmdd(kwargs["expiry_date"], "expiry_date"))
    return [line1, line2 + _fit(optional_data, width - 28, "optional_data")]


def generate_mrva(**kwargs: Any) -> list[str]:
    """Two 44-character lines of a type A visa (same keywords as generate_td3)."""
    return _generate_visa(44, dict(kwargs))


def generate_mrvb(**kwargs: Any) -> list[str]:
    """Two 36-character lines of a type B visa (same keywords as generate_td3)."""
    return _generate_visa(36, dict(kwargs))


GENERATORS = {
    "TD1": generate_td1, "TD2": generate_td2, "TD3": generate_td3, "MRVA": generate_mrva, "MRVB": generate_mrvb,
}


def split_lines(items: Iterable[str]) -> list[str]:
    """MRZ lines from command-line style arguments (each may hold one line or several)."""
    return [line for item in items for line in item.split()]
