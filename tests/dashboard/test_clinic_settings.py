"""Clinic settings (clinic admins only): re-alert delays, escalation contacts, follow-up kinds."""

from __future__ import annotations

from clinic.models import Membership, Notification
from tests.triage.helpers import URGENT

from .conftest import record_intake

URL = "/clinic/settings/"


def form(world, **overrides):
    data = {
        "country": "GB",
        "language": "en",
        "emergency_realert_minutes": 10,
        "urgent_realert_minutes": 60,
        "followup_kinds": ["episode_check", "adherence_nudge", "reassessment_due"],
    }
    data.update(overrides)
    return data


def test_only_clinic_admins_change_clinic_settings(physio_page, world):
    assert physio_page.get(URL).status_code == 403
    assert physio_page.post(URL, form(world)).status_code == 403
    world.clinic.refresh_from_db()
    assert world.clinic.emergency_realert_minutes == 15


def test_an_admin_saves_the_delays_and_switches_a_follow_up_kind_off(admin_page, world):
    page = admin_page.get(URL).content.decode()
    assert 'value="15"' in page and "Check-ins after your screening questionnaire" in page
    response = admin_page.post(URL, form(world))
    assert response.status_code == 302
    world.clinic.refresh_from_db()
    assert (world.clinic.emergency_realert_minutes, world.clinic.urgent_realert_minutes) == (10, 60)
    assert world.clinic.disabled_followup_kinds == ["intake_checkin"]
    # The clinic no longer sends intake check-ins; the reassessment reminders still go out.
    record_intake(world.patient, world.physio)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert "intake_checkin" not in kinds and "reassessment_due" in kinds


def test_invalid_delays_are_refused_with_a_clear_message(admin_page, world):
    response = admin_page.post(URL, form(world, emergency_realert_minutes=0,
                                         urgent_realert_minutes="soon"))  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in page
    assert "Enter a whole number." in page
    world.clinic.refresh_from_db()
    assert world.clinic.emergency_realert_minutes == 15


def test_a_physiotherapist_made_an_escalation_contact_gets_the_alerts(admin_page, world):
    membership = Membership.objects.get(user=world.physio, clinic=world.clinic)
    other = Membership.objects.create(
        user=world.other_physio, clinic=world.clinic, role="physiotherapist"
    )
    admin_page.post(URL, form(world, escalation_contacts=[other.pk]))
    other.refresh_from_db()
    membership.refresh_from_db()
    assert other.escalation_contact and not membership.escalation_contact
    record_intake(world.patient, world.patient_user, **URGENT)
    alerted = set(Notification.objects.filter(kind="escalation_alert")
                  .values_list("recipient", flat=True))  # fmt: skip
    assert alerted == {world.admin.email, world.physio.email, world.other_physio.email}


def test_a_kind_switched_off_after_scheduling_is_cancelled_at_send_time(admin_page, world):
    from clinic import outbox

    record_intake(world.patient, world.physio)
    checkin = Notification.objects.get(kind="intake_checkin")
    admin_page.post(URL, form(world))  # intake check-ins off
    Notification.objects.filter(pk=checkin.pk).update(due_at=checkin.created_at)
    assert outbox.deliver(checkin.pk) == "cancelled"


def test_an_admin_sets_the_clinics_country_and_its_patients_get_that_countrys_numbers(
    admin_page, world
):
    page = admin_page.get(URL).content.decode()
    assert '<option value="GB" selected>' in page and "<strong>999</strong>" in page
    assert admin_page.post(URL, form(world, country="US", language="es")).status_code == 302
    world.clinic.refresh_from_db()
    assert (world.clinic.country, world.clinic.language) == ("US", "es")
    assert world.clinic.safety.emergency_number == "911"
    page = admin_page.get(URL).content.decode()
    assert "<strong>911</strong>" in page and "contact your doctor today" in page


def test_a_clinic_overrides_the_numbers_and_an_unknown_country_is_refused(admin_page, world):
    admin_page.post(URL, form(world, emergency_number_override="112",
                              urgent_service_override="our line (0161 496 0000)"))  # fmt: skip
    world.clinic.refresh_from_db()
    assert world.clinic.safety.emergency_number == "112"
    assert world.clinic.safety.urgent_route == "call our line (0161 496 0000)"
    response = admin_page.post(URL, form(world, country="XX"))
    assert response.status_code == 400
    world.clinic.refresh_from_db()
    assert world.clinic.country == "GB"
