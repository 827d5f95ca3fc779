"""Issue 15: patients are spoken to in their language (acceptance 3), and the Spanish
catalogues are complete and match the code (acceptance 4)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from html import unescape
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from clinic import outbox
from clinic.models import Notification
from tests.conftest import bearer
from tests.dashboard.conftest import record_episode, record_intake
from tests.factories import PatientFactory
from tests.patients.test_followups import links
from tests.programs.helpers import SESSIONS, assign, shipped, spec
from tests.triage.helpers import EMERGENCY, answers
from triage import instruments

ROOT = Path(__file__).resolve().parents[1]
APPS = ("clinic", "patients", "triage", "programs")


# --- acceptance 3: a Spanish patient ---------------------------------------------------------


def test_a_spanish_patient_gets_the_safety_message_email_reply_page_and_errors_in_spanish(
    world, patient_client
):
    world.clinic.country = "ES"
    world.clinic.save()
    world.patient.language = "es"
    world.patient.save()

    # The safety message of the screening, in the API's answer.
    body = patient_client.post("/api/v1/intakes/", answers(**EMERGENCY), format="json").json()
    safety = body["assessment"]["safety_message"]
    assert safety.startswith("PIDA AYUDA URGENTE AHORA.")
    assert "llame al 112" in safety and "Señales de alarma de cauda equina" in safety
    assert "GET EMERGENCY HELP" not in safety

    # An API error: the message is ours, the field reasons Django REST framework's.
    bad = patient_client.post("/api/v1/intakes/", {"age": "old"}, format="json")
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["message"] == "Faltan algunos campos o no son válidos."
    assert bad["Content-Language"] == "es"
    missing = patient_client.get("/api/v1/program/")
    assert missing.json()["error"]["message"] == "Todavía no tiene un programa de ejercicios."

    # The follow-up email (subject and both parts) and the reply page it links to.
    [checkin] = Notification.objects.filter(kind="intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "sent"
    email = mail.outbox[-1]
    assert email.subject == "¿Cómo le va? - Clinic A"
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert "Hace dos días respondió a nuestras preguntas de valoración." in part
        assert "vaya a urgencias o llame al 112 de inmediato" in part
        assert "Dejar de recibir estos correos" in part
    assert '<html lang="es">' in html
    browser = Client()
    page = browser.get(links(email)["reply-worse"]).content.decode()
    assert "¿Cómo está su espalda" in page and "Más o menos igual" in page
    done = browser.post(links(email)["reply-worse"], {"answer": "worse"}).content.decode()
    assert "Sentimos que esté peor." in done
    assert "Vaya a urgencias o llame al 112 de inmediato" in done
    assert '<html lang="es">' in done


def test_a_spanish_patients_api_errors_are_in_spanish_with_dates_on_their_calendar(world):
    """Idempotency, parsing, type, questionnaire, episode, exercise-log and progress-check
    errors, as a Spanish patient in Madrid gets them from the API."""
    world.clinic.country = "ES"
    world.clinic.save()
    world.patient.language = "es"
    world.patient.timezone = "Europe/Madrid"
    world.patient.save()
    t0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        api = bearer(world.patient_user)

        def error(response, status):
            assert response.status_code == status, response.content
            assert response["Content-Language"] == "es"
            return response.json()["error"]

        # The questionnaire's own reasons, and the shared strict-type rule.
        bad = error(api.post("/api/v1/intakes/", {"age": "old"}, format="json"), 400)
        assert bad["fields"]["age"] == ["Debe ser un número entero."]
        assert bad["fields"]["trauma"] == ["Debe responder a esta pregunta."]
        unknown = error(api.post("/api/v1/intakes/", answers(mood=1), format="json"), 400)
        assert unknown["fields"] == {"mood": ["Este campo no se acepta aquí."]}
        # Idempotency-Key: reused for another request, and malformed.
        key = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
        assert api.post("/api/v1/intakes/", answers(), format="json", **key).status_code == 201
        reused = error(api.post("/api/v1/intakes/", answers(age=50), format="json", **key), 422)
        assert reused["message"] == "Esta Idempotency-Key ya se usó para otra petición."
        assert reused["fields"] == {
            "Idempotency-Key": ["Use una clave nueva para una petición nueva."]
        }
        blank = error(
            api.post("/api/v1/intakes/", answers(), format="json", HTTP_IDEMPOTENCY_KEY=" "), 400
        )
        assert blank["message"] == "Idempotency-Key no válida."
        # The body itself.
        broken = api.post("/api/v1/intakes/", "{", content_type="application/json")
        assert error(broken, 400)["message"] == "El cuerpo no es JSON válido."
        # Episodes: order of times, the future, types.
        episode = {"client_id": str(uuid.uuid4()), "started_at": "2026-11-20T09:00:00+01:00",
                   "ended_at": "2026-11-20T08:00:00+01:00", "peak_intensity": 6}  # fmt: skip
        backwards = error(api.post("/api/v1/episodes/", episode, format="json"), 400)
        assert backwards["fields"] == {"ended_at": ["No puede ser anterior a started_at."]}
        future = {**episode, "started_at": "2026-11-21T09:00:00+01:00", "ended_at": None}
        ahead = error(api.post("/api/v1/episodes/", future, format="json"), 400)
        assert ahead["fields"] == {"started_at": ["No puede estar en el futuro."]}
        typed = {**episode, "ended_at": None, "peak_intensity": "6"}
        assert error(api.post("/api/v1/episodes/", typed, format="json"), 400)["fields"] == {
            "peak_intensity": ["Se esperaba un número entero y se recibió un texto."]
        }
        # A clinician's endpoint.
        staff = error(api.get("/api/v1/clinic/patients/"), 403)
        assert staff["message"] == "Este servicio es para el personal de la clínica."
        # The progress check opens on a date of the patient's calendar, in words.
        early = error(api.post("/api/v1/reassessments/", {"pain_nrs": 3}, format="json"), 409)
        assert early["message"] == (
            "La próxima revisión de su evolución se abre el 27 de noviembre de 2026."
        )
    # An exercise session before the program's first day, in the patient's words and calendar.
    assign(world.patient, world.physio, spec("bird-dog"), start_date=dt.date(2026, 12, 1))
    with time_machine.travel(t0, tick=False):
        early_session = bearer(world.patient_user).post(
            SESSIONS,
            {"client_id": str(uuid.uuid4()), "exercises": [{"exercise": shipped("bird-dog").pk}]},
            format="json",
        )
    refused = error(early_session, 400)
    assert refused["message"] == "Su programa todavía no había empezado."
    assert refused["fields"] == {"performed_at": ["Su programa empieza el 1 de diciembre de 2026."]}


def test_the_intake_form_is_in_the_patients_language_but_the_instruments_stay_in_english(
    world, patient_client
):
    english = patient_client.get("/api/v1/intake-form/").json()
    assert english["language"] == "en"
    world.patient.language = "es"
    world.patient.save()
    form = patient_client.get("/api/v1/intake-form/").json()
    assert form["language"] == "es"
    questions = {f["name"]: f["question"] for f in form["fields"]}
    assert questions["age"] == "¿Qué edad tiene, en años cumplidos?"
    assert questions["saddle_numbness"].startswith("¿Tiene adormecimiento u hormigueo")
    # Every question is translated: none is left as the English one.
    for ours, theirs in zip(english["fields"], form["fields"], strict=True):
        assert ours["name"] == theirs["name"] and ours["question"] != theirs["question"]
    # The validated instruments are shown in English, and the form says so, and why.
    start_back, oswestry = form["start_back"], form["oswestry"]
    assert start_back["language"] == oswestry["language"] == "en"
    assert start_back["items"] == list(instruments.START_BACK_ITEMS)
    assert start_back["preamble"] == english["start_back"]["preamble"]
    assert start_back["copyright"] == "© Keele University 2007"
    assert oswestry["sections"] == english["oswestry"]["sections"]
    assert oswestry["sections"][0]["label"] == "Pain intensity"
    assert start_back["language_note"].startswith("Se muestra en inglés: el cuestionario STarT")
    assert "Oswestry" in oswestry["language_note"] and "inglés" in oswestry["language_note"]
    assert "Shown in English" in english["oswestry"]["language_note"]


def test_a_patient_without_a_choice_gets_the_clinics_language_and_the_api_follows_a_change(
    world, patient_client
):
    world.clinic.language = "es"
    world.clinic.save()
    me = patient_client.get("/api/v1/me/").json()["patient"]
    assert me["language"] == "es"
    assert me["clinic"]["urgent_route"] == "contacte con NHS 111"
    changed = patient_client.patch("/api/v1/me/preferences/", {"language": "en"}, format="json")
    assert changed.status_code == 200
    again = patient_client.get("/api/v1/program/").json()["error"]["message"]
    assert again == "You have no exercise program yet."


def test_anonymous_api_answers_follow_the_browsers_language(client, db):
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert response.status_code == 401
    assert response["Content-Language"] == "es"
    assert "credenciales" in response.json()["error"]["message"].lower()


def test_the_dashboard_stays_in_the_house_language_whatever_the_browser(client, world):
    client.force_login(world.physio)
    page = client.get("/today/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


# --- acceptance 4: the catalogues ----------------------------------------------------------


def _catalogue(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def test_every_spanish_entry_is_translated_not_fuzzy_and_keeps_its_placeholders():
    for app in APPS:
        po = _catalogue(ROOT / app / "locale" / "es" / "LC_MESSAGES" / "django.po")
        assert len(po) > 0, app
        assert po.untranslated_entries() == [], app
        assert po.fuzzy_entries() == [], app
        assert not po.metadata_is_fuzzy
        for entry in po:
            for name in ("%(emergency_number)s", "%(urgent_service)s", "%(number)s",
                         "%(clinic)s", "%(service)s", "%(name)s"):  # fmt: skip
                assert (name in entry.msgid) == (name in entry.msgstr), entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_makemessages_finds_no_message_the_committed_catalogues_lack(tmp_path, settings):
    """Run makemessages over a copy of the apps; its msgids must equal the committed ones."""
    for app in APPS:
        shutil.copytree(
            ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["es"], no_obsolete=True, verbosity=0)
        call_command("compilemessages", locale=["es"], verbosity=0)  # msgfmt --check-format
    finally:
        os.chdir(cwd)
    for app in APPS:
        path = Path("locale") / "es" / "LC_MESSAGES" / "django.po"
        fresh = {e.msgid for e in _catalogue(tmp_path / app / path)}
        committed = {e.msgid for e in _catalogue(ROOT / app / path) if not e.obsolete}
        assert fresh - committed == set(), f"{app}: new, untranslated messages"
        assert committed - fresh == set(), f"{app}: messages no longer in the code"


# --- formats: the patient's words and clock; the clinician's clock with the patient's ---------


@pytest.fixture
def physio_page(client, world):
    client.force_login(world.physio)
    return client


def test_a_spanish_patient_in_new_york_reads_dates_in_spanish_on_their_own_clock(world):
    world.patient.language = "es"
    world.patient.timezone = "America/New_York"  # UTC-5 in November
    world.patient.save()
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        intake = bearer(world.patient_user).post("/api/v1/intakes/", answers(), format="json")
        assert intake.status_code == 201
    [checkin] = Notification.objects.filter(kind="intake_checkin")
    with time_machine.travel(dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC), tick=False):
        assert outbox.deliver(checkin.pk) == "sent"
    reply = links(mail.outbox[-1])["reply-same"]
    browser = Client()
    asked = browser.get(reply).content.decode()
    assert "Sobre nuestro correo del 22 de noviembre de 2026 a las 10:00." in asked
    with time_machine.travel(dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC), tick=False):
        done = browser.post(reply, {"answer": "same"}).content.decode()
    # 02:30 in London is still the evening before in New York.
    assert "Su respuesta quedó registrada el 22 de noviembre de 2026 a las 21:30." in done


def test_a_spanish_patients_invitation_email_and_page_give_the_expiry_on_their_clock(
    world, settings
):
    settings.INVITATION_TTL = dt.timedelta(days=7)
    newcomer = PatientFactory(clinic=world.clinic, email="nuevo@example.net", language="es",
                              timezone="America/Mexico_City")  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        sent = bearer(world.physio).post(f"/api/v1/clinic/patients/{newcomer.pk}/invitation/")
        assert sent.status_code == 202
        invitation = Notification.objects.get(kind="patient_invitation")
        assert outbox.deliver(invitation.pk) == "sent"
    email = mail.outbox[-1]
    expiry = "27 de noviembre de 2026 a las 09:00"  # 15:00 UTC is 09:00 in Mexico City
    assert expiry in email.body and expiry in email.alternatives[0][0]
    token = re.search(r"#invitation=([\w-]+)", email.body).group(1)
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC), tick=False):
        page = Client().get(f"/invitations/{token}/").content.decode()
    assert f"Este enlace funciona una sola vez, hasta el {expiry}." in page


def test_the_clinician_sees_the_clinics_time_with_the_patients_time_beside_it(world, physio_page):
    world.patient.timezone = "America/New_York"
    world.patient.save()
    moment = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)  # 14:05 in London, 09:05 in NY
    with time_machine.travel(moment, tick=False):
        record_intake(world.patient, world.physio)
        record_episode(world.patient, days_ago=0, peak=6)
    with time_machine.travel(moment + dt.timedelta(hours=1), tick=False):
        page = unescape(physio_page.get(f"/patients/{world.patient.pk}/").content.decode())
    both = "20 Nov 2026, 14:05 (patient's time 09:05, New York)"
    assert f"Screening of {both}" in page
    assert f"<td>{both}</td>" in page  # the episode
    # A patient on the clinic's clock gets the clinic's time alone.
    world.patient.timezone = "Europe/London"
    world.patient.save()
    page = unescape(physio_page.get(f"/patients/{world.patient.pk}/").content.decode())
    assert "Screening of 20 Nov 2026, 14:05</h3>" in page and "patient's time" not in page


def test_a_clinic_in_sydney_sees_its_own_clock_and_a_patient_in_perth_theirs(world, physio_page):
    world.clinic.timezone = "Australia/Sydney"  # UTC+11 in November
    world.clinic.save()
    world.patient.timezone = "Australia/Perth"  # UTC+8
    world.patient.save()
    moment = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)  # 01:05 on the 21st in Sydney
    with time_machine.travel(moment, tick=False):
        record_intake(world.patient, world.physio)
    page = unescape(physio_page.get(f"/patients/{world.patient.pk}/").content.decode())
    assert "Screening of 21 Nov 2026, 01:05 (patient's time 20 Nov, 22:05, Perth)" in page


def test_a_clinics_alert_email_gives_the_time_on_the_clinics_clock(world):
    world.clinic.timezone = "Australia/Sydney"  # UTC+11 in November
    world.clinic.save()
    with time_machine.travel(dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC), tick=False):
        record_intake(world.patient, world.patient_user, **EMERGENCY)
        [alert] = Notification.objects.filter(kind="escalation_alert", recipient="physio@a.example")
        assert outbox.deliver(alert.pk) == "sent"
    assert "graded EMERGENCY at 21 Nov 2026, 01:05 AEDT." in mail.outbox[-1].body
