from __future__ import annotations

import datetime as dt

import jwt
import time_machine
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"


def obtain(client: APIClient, email: str, password: str = PASSWORD):
    return client.post(TOKEN, {"email": email, "password": password}, format="json")


def test_login_returns_an_access_and_a_refresh_token(anon_client, world):
    response = obtain(anon_client, "PHYSIO@a.example")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    me = anon_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert me.json()["email"] == "physio@a.example"


def test_wrong_password_is_401_in_the_error_shape(anon_client, world):
    response = obtain(anon_client, "physio@a.example", "not-the-password")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_missing_credentials_name_the_fields(anon_client, db):
    response = anon_client.post(TOKEN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "password"}


def test_an_inactive_user_gets_no_token(anon_client, world):
    world.physio.is_active = False
    world.physio.save()
    assert obtain(anon_client, "physio@a.example").status_code == 401


def test_access_tokens_live_at_most_fifteen_minutes(anon_client, world):
    access = obtain(anon_client, "physio@a.example").json()["access"]
    claims = jwt.decode(access, options={"verify_signature": False})
    assert 0 < claims["exp"] - claims["iat"] <= 15 * 60
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] <= dt.timedelta(minutes=15)


def test_an_expired_access_token_is_refused(anon_client, world):
    access = obtain(anon_client, "physio@a.example").json()["access"]
    anon_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert anon_client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        response = anon_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_refresh_rotates_and_the_old_refresh_token_stops_working(anon_client, world):
    first = obtain(anon_client, "physio@a.example").json()
    rotated = anon_client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    reused = anon_client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert reused.status_code == 401
    again = anon_client.post(REFRESH, {"refresh": rotated.json()["refresh"]}, format="json")
    assert again.status_code == 200


def test_a_refresh_token_is_refused_after_logout(anon_client, world):
    tokens = obtain(anon_client, "pat@a.example").json()
    assert (
        anon_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json").status_code == 200
    )
    response = anon_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 401


def test_clinicians_log_in_to_the_dashboard_with_a_session(client, world):
    response = client.post(
        "/accounts/login/", {"username": "physio@a.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert world.patient.last_name in page.content.decode()
    assert world.foreign_patient.last_name not in page.content.decode()


def test_the_dashboard_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_refreshing_the_token_of_a_deleted_user_is_a_401_in_the_error_shape(anon_client, world):
    refresh = obtain(anon_client, "pat@a.example").json()["refresh"]
    world.patient_user.delete()
    response = anon_client.post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_refreshing_the_token_of_a_deactivated_user_is_a_401(anon_client, world):
    refresh = obtain(anon_client, "physio@a.example").json()["refresh"]
    world.physio.is_active = False
    world.physio.save()
    response = anon_client.post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"
