"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION clinic_access_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'clinic_patientaccessevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinic_access_event_append_only
    BEFORE UPDATE OR DELETE ON clinic_patientaccessevent
    FOR EACH ROW EXECUTE FUNCTION clinic_access_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS clinic_access_event_append_only ON clinic_patientaccessevent;
DROP FUNCTION IF EXISTS clinic_access_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0003_patient_access_event")]
    operations = [migrations.RunPython(forwards, backwards)]
