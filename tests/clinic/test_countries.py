"""The country table (clinic/countries.py) is the one place an emergency number is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinic.countries import COUNTRIES, safety_contacts

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"GB", "IE", "US", "CA", "AU", "NZ", "DE", "FR", "ES", "NL", "IT"}


def test_the_table_covers_the_supported_countries_each_with_a_source():
    assert set(COUNTRIES) >= REQUIRED
    for code, row in COUNTRIES.items():
        assert row.code == code and len(code) == 2 and code.isupper()
        assert row.emergency_number.isdigit(), code
        assert row.sources and all(s.startswith(("https://", "http://")) for s in row.sources)


@pytest.mark.parametrize(
    ("country", "emergency", "route"),
    [
        ("GB", "999", "call NHS 111"),
        ("US", "911", "contact your doctor today"),
        ("AU", "000", "call healthdirect (1800 022 222)"),
        ("NZ", "111", "call Healthline (0800 611 116)"),
        ("DE", "112", "call 116117"),
        ("ES", "112", "contact your doctor today"),
    ],
)
def test_each_country_gives_its_emergency_number_and_urgent_route(country, emergency, route):
    contacts = safety_contacts(country)
    assert contacts.emergency_number == emergency
    assert contacts.urgent_route.startswith(route)


def test_a_clinic_override_replaces_the_tables_numbers_and_blank_keeps_them():
    mine = safety_contacts(
        "GB", emergency_override="112", urgent_override="our line (0161 496 0000)"
    )
    assert (mine.emergency_number, mine.urgent_route) == ("112", "call our line (0161 496 0000)")
    assert safety_contacts("GB", emergency_override="  ").emergency_number == "999"


# --- no emergency number written anywhere else -----------------------------------------------


def _numbers() -> set[str]:
    found = {row.emergency_number for row in COUNTRIES.values()}
    for row in COUNTRIES.values():
        found |= set(re.findall(r"\d[\d ]*\d", str(row.urgent_service or "")))
    return {n.strip() for n in found}


# A number told to a patient follows a word such as "call", "dial", "ring", "NHS", "tel:" or
# Spanish "llame"/"marque", or stands in a template's `tel:` link.
_CONTEXT = r"(?:call|dial|ring|phone|telephone|tel:|nhs|llam\w*|marqu\w*|número|number)"


def _pattern() -> re.Pattern[str]:
    numbers = "|".join(sorted((re.escape(n) for n in _numbers()), key=len, reverse=True))
    return re.compile(
        rf"(?i){_CONTEXT}[\s\"'(:]{{0,12}}(?:the\s+|al\s+|el\s+)?(?<![\w.,/-])({numbers})(?![\w.,/-])"
    )


def _scanned_files() -> list[Path]:
    files = []
    for app in ("clinic", "patients", "triage", "programs"):
        for path in (ROOT / app).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt", ".js", ".po", ".json", ".webmanifest"}:
                continue
            if "migrations" in path.parts or path == ROOT / "clinic" / "countries.py":
                continue
            files.append(path)
    return files


def test_the_scan_would_find_a_literal_number():
    pattern = _pattern()
    for text in ("or call 999 straight away", "Call 911 now", "llame al 112", 'href="tel:000"',
                 "call NHS 111", "ring 116117"):  # fmt: skip
        assert pattern.search(text), text
    assert not pattern.search("max_length=112, default=15 minutes, call %(emergency_number)s")


def test_no_emergency_number_is_written_outside_the_country_table():
    pattern = _pattern()
    found = []
    files = _scanned_files()
    assert len(files) > 50  # the scan really reads the apps
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)!r}")
    assert found == [], "take these numbers from clinic/countries.py:\n" + "\n".join(found)
