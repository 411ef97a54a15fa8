"""The procedure catalogue: read from tramites/data/procedures.toml, checked, and kept as versioned rows.

`spec_of(procedure_type)` gives the typed view of a stored version (`ProcedureSpec`) that services,
forms and pages use; the loader (`catalogue_sync`) makes a new version of a procedure only when its
entry changed, so a case keeps the definition it was filed under.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "procedures.toml"
UPLOAD_KINDS = ("pdf", "jpeg", "png")
FIELD_TYPES = ("text", "date", "integer", "choice")
EVALUATIONS = ("AUTOMATIC", "PRIOR")
SILENCES = ("POSITIVE", "NEGATIVE")
CHECK_SOURCES = ("PNP", "INTERPOL", "JUDICIAL")
# At most 3 MB per file (TRAMITES.md: the Agencia Digital's limit).
MAX_FILE_BYTES = 3 * 1024 * 1024
# The procedure law's longest term for a prior evaluation (TUO 27444).
MAX_TERM_BUSINESS_DAYS = 30


class CatalogueError(ValueError):
    """The catalogue file is wrong: the message names the procedure and the key."""


def _bilingual(es: str, en: str) -> str:
    return en if (get_language() or "es").startswith("en") and en else es


@dataclass(frozen=True)
class Choice:
    value: str
    label_es: str
    label_en: str

    @property
    def label(self) -> str:
        return _bilingual(self.label_es, self.label_en)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label_es: str
    label_en: str
    type: str
    required: bool = True
    choices: tuple[Choice, ...] = ()
    min: int | None = None
    max: int | None = None
    max_length: int = 200
    pattern: str = ""
    future: bool = False
    past: bool = False

    @property
    def label(self) -> str:
        return _bilingual(self.label_es, self.label_en)

    def choice_label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    label_es: str
    label_en: str
    accept: tuple[str, ...] = UPLOAD_KINDS
    max_pages: int | None = None
    required: bool = True
    translation: bool = False
    apostille: bool = False

    @property
    def label(self) -> str:
        return _bilingual(self.label_es, self.label_en)


@dataclass(frozen=True)
class Rule:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name_es: str
    name_en: str
    summary_es: str
    summary_en: str
    fee: str
    eligibility: tuple[Rule, ...]
    evaluation: str
    term_business_days: int
    silence: str
    extension_allowed: bool
    second_approval: bool
    checks: tuple[str, ...]
    result: str
    documents: tuple[DocumentSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    # What the result handler reads (months of validity, permit kind, the late fine ...).
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return _bilingual(self.name_es, self.name_en)

    @property
    def summary(self) -> str:
        return _bilingual(self.summary_es, self.summary_en)

    @property
    def automatic(self) -> bool:
        return self.evaluation == "AUTOMATIC"

    @property
    def free(self) -> bool:
        return not self.fee

    def document(self, key: str) -> DocumentSpec | None:
        return next((d for d in self.documents if d.key == key), None)

    def field_spec(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)


_KNOWN = {"code", "name_es", "name_en", "summary_es", "summary_en", "fee", "eligibility", "evaluation",
          "term_business_days", "silence", "extension_allowed", "second_approval", "checks", "result",
          "documents", "fields", "unconfirmed"}


def spec_from_dict(data: dict[str, Any]) -> ProcedureSpec:
    """The typed procedure of one catalogue entry (or of a stored version's `spec`); CatalogueError if wrong."""
    code = str(data.get("code") or "")
    if not code:
        raise CatalogueError("a procedure has no code")

    def need(key: str) -> Any:
        if key not in data:
            raise CatalogueError(f"{code}: {key} is missing")
        return data[key]

    try:
        spec = ProcedureSpec(
            code=code, name_es=need("name_es"), name_en=need("name_en"), summary_es=need("summary_es"),
            summary_en=need("summary_en"), fee=str(data.get("fee") or ""),
            eligibility=tuple(Rule(str(r["rule"]), {k: v for k, v in r.items() if k != "rule"})
                              for r in need("eligibility")),
            evaluation=need("evaluation"), term_business_days=int(need("term_business_days")),
            silence=need("silence"), extension_allowed=bool(data.get("extension_allowed", False)),
            second_approval=bool(data.get("second_approval", False)), checks=tuple(data.get("checks", ())),
            result=need("result"),
            documents=tuple(DocumentSpec(**{**d, "accept": tuple(d.get("accept", UPLOAD_KINDS))})
                            for d in data.get("documents", ())),
            fields=tuple(FieldSpec(**{**f, "choices": tuple(Choice(**c) for c in f.get("choices", ()))})
                         for f in data.get("fields", ())),
            unconfirmed=tuple(data.get("unconfirmed", ())),
            params={k: v for k, v in data.items() if k not in _KNOWN},
        )
    except (TypeError, KeyError) as exc:
        raise CatalogueError(f"{code}: {exc}") from exc
    _check(spec)
    return spec


def _check(spec: ProcedureSpec) -> None:
    from .eligibility import RULES
    from .results import HANDLERS

    problems = []
    if spec.evaluation not in EVALUATIONS:
        problems.append(f"evaluation {spec.evaluation!r}")
    if spec.silence not in SILENCES:
        problems.append(f"silence {spec.silence!r}")
    if spec.evaluation == "PRIOR" and not 1 <= spec.term_business_days <= MAX_TERM_BUSINESS_DAYS:
        problems.append(f"term_business_days {spec.term_business_days} (1 to {MAX_TERM_BUSINESS_DAYS})")
    problems += [f"check {c!r}" for c in spec.checks if c not in CHECK_SOURCES]
    problems += [f"rule {r.name!r}" for r in spec.eligibility if r.name not in RULES]
    if spec.result not in HANDLERS:
        problems.append(f"result {spec.result!r}")
    for d in spec.documents:
        problems += [f"document {d.key}: accept {k!r}" for k in d.accept if k not in UPLOAD_KINDS]
    for f in spec.fields:
        if f.type not in FIELD_TYPES:
            problems.append(f"field {f.key}: type {f.type!r}")
        if f.type == "choice" and not f.choices:
            problems.append(f"field {f.key}: a choice without choices")
    if len({d.key for d in spec.documents}) != len(spec.documents):
        problems.append("a document key is repeated")
    if problems:
        raise CatalogueError(f"{spec.code}: " + "; ".join(problems))


def read_catalogue(path: Path = CATALOGUE_PATH) -> list[dict[str, Any]]:
    """The entries of the catalogue file, each checked (CatalogueError names the first wrong one)."""
    with open(path, "rb") as handle:
        entries = tomllib.load(handle).get("procedure", [])
    codes = [e.get("code") for e in entries]
    if len(codes) != len(set(codes)):
        raise CatalogueError("a procedure code is repeated")
    for entry in entries:
        spec_from_dict(entry)
    return entries


def spec_digest(entry: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def catalogue_sync(entries: list[dict[str, Any]], *, model) -> dict[str, int]:
    """Make the rows match the entries: a changed entry becomes a new active version, the old one stays
    for its cases; a procedure no longer in the file is made inactive. `model` is ProcedureType (or the
    historical model in a migration). Returns counts."""
    created = unchanged = retired = 0
    seen = set()
    for entry in entries:
        code, digest = entry["code"], spec_digest(entry)
        seen.add(code)
        current = model.objects.filter(code=code, active=True).first()
        if current is not None and current.spec_sha256 == digest:
            unchanged += 1
            continue
        last = model.objects.filter(code=code).order_by("-version").values_list("version", flat=True).first() or 0
        if current is not None:
            model.objects.filter(pk=current.pk).update(active=False)
        model.objects.create(code=code, version=last + 1, name_es=entry["name_es"], name_en=entry["name_en"],
                             spec=json.loads(json.dumps(entry, default=str)), spec_sha256=digest, active=True)
        created += 1
    retired = model.objects.filter(active=True).exclude(code__in=seen).update(active=False)
    return {"created": created, "unchanged": unchanged, "retired": retired}


_SPEC_CACHE: dict[tuple[int, str], ProcedureSpec] = {}


def spec_of(procedure_type) -> ProcedureSpec:
    """The typed definition of a stored version (cached per row and digest)."""
    key = (procedure_type.pk, procedure_type.spec_sha256)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        spec = _SPEC_CACHE[key] = spec_from_dict(procedure_type.spec)
    return spec
