from __future__ import annotations

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


def test_the_openapi_schema_documents_the_program_endpoints_without_warnings(db):
    with GENERATOR_STATS.silence():  # as the deploy check does: warnings are collected
        schema = SchemaGenerator().get_schema(request=None, public=True)
        problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert problems == []
    paths = set(schema["paths"])
    assert {
        "/api/v1/program/",
        "/api/v1/program/sessions/",
        "/api/v1/program/adherence/",
        "/api/v1/clinic/exercises/",
        "/api/v1/clinic/exercises/{id}/copy/",
        "/api/v1/clinic/program-templates/",
        "/api/v1/clinic/patients/{patient_pk}/programs/",
        "/api/v1/clinic/patients/{patient_pk}/programs/{id}/revisions/",
        "/api/v1/clinic/patients/{patient_pk}/programs/{id}/end/",
        "/api/v1/clinic/patients/{patient_pk}/programs/suggestion/",
        "/api/v1/clinic/patients/{patient_pk}/adherence/",
    } <= paths
    post = schema["paths"]["/api/v1/program/sessions/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
