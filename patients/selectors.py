from __future__ import annotations

import re
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

from clinic.models import Clinic, User
from clinic.selectors import member_clinic_ids

from .models import Patient


def patients_for_clinician(user: User) -> QuerySet[Patient]:
    """Every patient of every clinic the user works at; nothing else."""
    return Patient.objects.filter(clinic_id__in=member_clinic_ids(user))


def colleagues_of(user: User) -> QuerySet[User]:
    """Users who work at one of the caller's clinics (assignable physiotherapists)."""
    return User.objects.filter(memberships__clinic_id__in=member_clinic_ids(user)).distinct()


PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+", "/")
PHONE_TEXT = re.compile(r"^[\d\s\-().+/]+$")


def _phone_digits() -> Any:
    expression: Any = F("phone")
    for mark in PHONE_PUNCTUATION:
        expression = Replace(expression, Value(mark), Value(""))
    return expression


def _phone_query(text: str) -> Q | None:
    """Digits typed as a phone number match however the number was written: the trunk 0 is
    dropped so "07700 900123" finds "+44 7700 900123", and the other way round."""
    if not PHONE_TEXT.match(text):
        return None
    # "+44 (0)7700..." writes the trunk 0 that is not dialled from abroad.
    written = text.strip()
    international = written.startswith(("+", "00"))
    digits = re.sub(r"\D", "", written.replace("(0)", "")).lstrip("0")
    if len(digits) < 4:
        return None
    query = Q(phone_digits__contains=digits)
    if international:
        # "+44 7700 900123" (caller ID) finds "07700 900123": the number without its country
        # code (one to three digits) is what was written nationally.
        for cut in (1, 2, 3):
            if len(digits) - cut >= 7:
                query |= Q(phone_digits__contains=digits[cut:])
    return query


def patients_matching(patients: QuerySet[Patient], text: str) -> QuerySet[Patient]:
    """Search by name, email, phone number or date of birth (as clinics write dates)."""
    from .forms import parse_date  # the formats live with the form that accepts them

    text = text.strip()
    if not text:
        return patients
    born = parse_date(text)
    if born is not None:
        return patients.filter(date_of_birth=born)
    patients = patients.annotate(phone_digits=_phone_digits())
    phone = _phone_query(text)
    if phone is not None:
        return patients.filter(phone)
    for term in text.split():
        query = (
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
        day = parse_date(term)
        if day is not None:
            query |= Q(date_of_birth=day)
        elif re.fullmatch(r"(19|20)\d\d", term):  # a year of birth alone
            query |= Q(date_of_birth__year=int(term))
        digits = _phone_query(term)
        if digits is not None:
            query |= digits
        patients = patients.filter(query)
    return patients


def likely_duplicates(
    clinic: Clinic, *, first_name: str, last_name: str, date_of_birth: Any, exclude: int | None
) -> list[Patient]:
    """Patients of the clinic with the same name and date of birth (probably the same person)."""
    found = Patient.objects.filter(
        clinic=clinic,
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    )
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found.order_by("pk")[:5])


def clinic_physiotherapists(clinic: Clinic) -> QuerySet[User]:
    """The clinic's clinicians, who a patient of the clinic can be assigned to."""
    return (
        User.objects.filter(memberships__clinic=clinic, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )
