from __future__ import annotations

from django.core.management import call_command

from clinic import outbox
from clinic.models import Clinic, Notification, User
from patients.models import Episode, Patient
from triage.models import Escalation


def test_demo_data_loads_once_with_logins_and_due_follow_ups(db, capsys):
    call_command("seed_demo")
    assert User.objects.get(email="physio@example.com").check_password("demo-pass-123")
    jamie = Patient.objects.get(email="patient@example.com")
    assert jamie.user.check_password("demo-pass-123")
    assert Patient.objects.count() == 6 and Episode.objects.filter(patient=jamie).count() == 7
    assert Escalation.objects.get().status == "open"
    due = Notification.objects.filter(kind="intake_checkin", recipient="patient@example.com")
    assert outbox.sweep() >= 1
    assert outbox.deliver(due.get().pk) == "sent"

    call_command("seed_demo")
    assert "already has data" in capsys.readouterr().out
    assert Clinic.objects.count() == 1
