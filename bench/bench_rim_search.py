"""Benchmark of RIM person search (name and document) against a plain icontains baseline.

Run against a database already loaded with rim.demo.seed_registry, e.g. one million persons:

    createdb -h 127.0.0.1 -U postgres rim_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rim_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/bench_rim_search.py --seed-persons 1000000 --queries 200

Queries are names of persons drawn from the registry, as an officer might type them: accents
dropped, words reordered, the second surname missing, one typo. Figures are per query, in ms.
"""
import argparse
import os
import random
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from rim.demo import seed_registry  # noqa: E402
from rim.models import IdentityDocument, Person  # noqa: E402
from rim.normalize import normalize_name  # noqa: E402
from rim.selectors import person_search  # noqa: E402


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, text: str) -> str:
    """One edit (swap, drop or change a letter) inside one word of four letters or more."""
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 4]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, pos = words[i], rng.randrange(1, len(words[i]) - 1)
    edit = rng.choice(("swap", "drop", "change"))
    if edit == "swap":
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    elif edit == "drop":
        word = word[:pos] + word[pos + 1:]
    else:
        word = word[:pos] + rng.choice("aeioulnrs") + word[pos + 1:]
    words[i] = word
    return " ".join(words)


def _as_typed(rng: random.Random, person: Person, variant: int) -> str:
    """The person's name the way an officer might type it; `variant` picks the kind of mess."""
    given, first, second = person.given_names, person.first_surname, person.second_surname
    if variant == 0:  # no accents, lower case
        return _strip_accents(f"{given} {first} {second}").lower()
    if variant == 1:  # surnames first, as on the DNI
        return f"{first} {second} {given}"
    if variant == 2:  # second surname missing
        return f"{given} {first}"
    if variant == 3:  # one typo
        return _typo(rng, f"{given} {first} {second}")
    return _typo(rng, _strip_accents(f"{first} {given}"))  # typo, no accents, missing surname, reordered


def _timed(fn: Callable[[], list], runs: list[float]) -> list:
    started = time.perf_counter()
    result = fn()
    runs.append((time.perf_counter() - started) * 1000)
    return result


def _summary(runs: list[float]) -> str:
    ordered = sorted(runs)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return f"p50 {statistics.median(ordered):7.2f}  p95 {p95:7.2f}  max {ordered[-1]:7.2f}"


def _sample_persons(rng: random.Random, count: int) -> list[Person]:
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(top, count * 2))
    found = Person.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found][:count]


def bench_names(persons: list[Person], rng: random.Random) -> None:
    ours, baseline = [], []
    found_ours = found_base = top1 = 0
    for n, person in enumerate(persons):
        query = _as_typed(rng, person, n % 5)
        matches = _timed(lambda: person_search(query=query, limit=20), ours)
        ids = [m.person_id for m in matches]
        found_ours += person.pk in ids
        # Top-1 counts a namesake with the very same name: search cannot tell them apart.
        top1 += bool(matches) and (matches[0].person_id == person.pk or Person.objects.filter(
            pk=matches[0].person_id, search_name=person.search_name).exists())
        plain = normalize_name(query)
        rows = _timed(lambda: list(Person.objects.filter(search_name__icontains=plain).values_list("id", flat=True)[:20]),
                      baseline)
        found_base += person.pk in rows
    total = len(persons)
    print(f"name search       ({total} queries)  person_search   {_summary(ours)}  found in top 20: "
          f"{found_ours}/{total}, same name first: {top1}/{total}")
    print(f"                                     icontains name  {_summary(baseline)}  found in top 20: "
          f"{found_base}/{total}")


def bench_documents(persons: list[Person]) -> None:
    numbers = list(IdentityDocument.objects.filter(person__in=persons).values_list("number", "person_id"))
    ours, baseline = [], []
    found = 0
    for number, person_id in numbers:
        matches = _timed(lambda: person_search(query=number), ours)
        found += any(m.person_id == person_id for m in matches)
        _timed(lambda: list(IdentityDocument.objects.filter(number__icontains=number).values_list("person_id", flat=True)[:20]),
               baseline)
    print(f"document look-up  ({len(numbers)} queries)  person_search   {_summary(ours)}  found: {found}/{len(numbers)}")
    print(f"                                     icontains number{_summary(baseline)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-persons", type=int, default=0, help="load the demo registry up to this many persons first")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.seed_persons:
        print("seed:", seed_registry(persons=args.seed_persons))
    rng = random.Random(args.seed)
    print(f"database: {connection.vendor}, persons: {Person.objects.count():,}")
    persons = _sample_persons(rng, args.queries)
    for person in persons[:10]:  # warm caches and the connection, untimed
        person_search(query=person.search_name)
    bench_names(persons, rng)
    bench_documents(persons)


if __name__ == "__main__":
    main()
