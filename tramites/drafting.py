"""Texts an officer starts an observation or a resolution from (tramites/data/drafting.toml)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DRAFTING_PATH = Path(__file__).resolve().parent / "data" / "drafting.toml"
KINDS = ("observation", "resolution")


@dataclass(frozen=True)
class Draft:
    key: str
    title: str
    text: str
    outcome: str = ""


@lru_cache(maxsize=1)
def _all() -> dict[str, list[tuple[Draft, tuple[str, ...]]]]:
    with open(DRAFTING_PATH, "rb") as handle:
        data = tomllib.load(handle)
    out: dict[str, list[tuple[Draft, tuple[str, ...]]]] = {}
    for kind in KINDS:
        rows = []
        for entry in data.get(kind, []):
            rows.append((Draft(entry["key"], entry["title"], entry["text"], entry.get("outcome", "")),
                         tuple(entry.get("procedures", ["*"]))))
        keys = [d.key for d, _p in rows]
        if len(keys) != len(set(keys)):
            raise ValueError(f"drafting.toml: a {kind} key is repeated")
        out[kind] = rows
    return out


def drafts_for(kind: str, procedure_code: str) -> list[Draft]:
    """The texts of `kind` ("observation" or "resolution") that apply to this procedure."""
    return [d for d, procedures in _all()[kind] if "*" in procedures or procedure_code in procedures]


def draft_get(kind: str, procedure_code: str, key: str) -> Draft | None:
    return next((d for d in drafts_for(kind, procedure_code) if d.key == key), None)
