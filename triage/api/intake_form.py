"""GET /intake-form/: the questionnaire in the patient's language, and what stays in English.

Our own questions are translated (gettext, triage/locale/). The validated instruments are not:
STarT Back's wording may only be used unaltered (Keele University) and the Oswestry section
names go with a licensed form (Mapi Research Trust), so both stay in English until an official
translation is shipped with its source; the document says so on each of them.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from rest_framework import serializers

from .. import instruments
from ..questionnaire import GROUPS, form_definition

# The language the validated instruments are shown in, until an official translation (with its
# source and licence) is added here.
INSTRUMENT_LANGUAGE = "en"


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def intake_form() -> dict[str, Any]:
    form: dict[str, Any] = {**form_definition()}  # a fresh document: extended in place
    form["language"] = _language()
    for field in form["fields"]:
        field["question"] = gettext(field["question"])
    form["start_back"]["language"] = INSTRUMENT_LANGUAGE
    form["start_back"]["language_note"] = gettext(
        "Shown in English: the STarT Back Tool is a validated questionnaire that may only be "
        "used with its original wording, and no official translation is shipped with it here."
    )
    form["oswestry"]["language"] = INSTRUMENT_LANGUAGE
    form["oswestry"]["language_note"] = gettext(
        "Shown in English: the Oswestry Disability Index is a validated, licensed "
        "questionnaire, and no official translation is shipped with it here."
    )
    return form


LANGUAGE_HELP = "The language this part is shown in (an ISO 639-1 code)"


class IntakeFormFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["bool", "int", "choice"])
    question = serializers.CharField(help_text="In the form's language")
    group = serializers.ChoiceField(choices=list(GROUPS))
    required = serializers.BooleanField()  # type: ignore[assignment]
    minimum = serializers.IntegerField(allow_null=True)
    maximum = serializers.IntegerField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField())


class StartBackFormSerializer(serializers.Serializer):
    preamble = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    responses = serializers.ListField(child=serializers.CharField())
    item9_responses = serializers.ListField(child=serializers.CharField())
    copyright = serializers.CharField()
    language = serializers.CharField(help_text=LANGUAGE_HELP)
    language_note = serializers.CharField(
        help_text="Why this part is not in the form's language (in the form's language)"
    )


class OswestrySectionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(instruments.ODI_SECTIONS))
    label = serializers.CharField()  # type: ignore[assignment]


class OswestryFormSerializer(serializers.Serializer):
    sections = OswestrySectionSerializer(many=True)
    scores = serializers.ListField(child=serializers.IntegerField())
    language = serializers.CharField(help_text=LANGUAGE_HELP)
    language_note = serializers.CharField(
        help_text="Why this part is not in the form's language (in the form's language)"
    )


class IntakeFormSerializer(serializers.Serializer):
    version = serializers.CharField()
    language = serializers.CharField(
        help_text="The language of the questions (the patient's); the instruments say their own"
    )
    groups = serializers.ListField(child=serializers.ChoiceField(choices=list(GROUPS)))
    fields = IntakeFormFieldSerializer(many=True)  # type: ignore[assignment]
    start_back = StartBackFormSerializer()
    oswestry = OswestryFormSerializer()
