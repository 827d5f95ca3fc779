"""The one table of emergency numbers: each supported country's emergency number and its
urgent-but-not-emergency route, with the public source each row was checked against.

This is the only place an emergency number is written. Every safety text (the screening
result, episode and exercise advice, follow-up emails, reply pages, the clinician's alert, the
patient app through `GET /api/v1/me/`) takes its numbers from a clinic's country here, or from
the clinic's own override. tests/clinic/test_countries.py fails on a number written elsewhere.

`urgent_service` is what a patient can call for same-day advice when it is not an emergency;
None where the country has no single service, and the route then says "contact your doctor
today". Words in it are translated (gettext); the numbers never are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str | Promise
    emergency_number: str
    urgent_service: str | Promise | None
    sources: tuple[str, ...]


_ROWS = (
    Country(
        "GB",
        _("United Kingdom"),
        "999",
        # England, Scotland (NHS 24) and Wales answer 111; 112 also reaches 999.
        "NHS 111",
        (
            "https://www.informationnow.org.uk/article/urgent-medical-help-available-nhs-111-nhs-uk-emergency/",
            "https://neas.nhs.uk/your-service/111",
        ),
    ),
    Country(
        "IE",
        _("Ireland"),
        "112",  # 999 works too (citizensinformation.ie)
        _("your GP out-of-hours service"),  # HSE-funded GP co-operatives, no single number
        (
            "https://www.citizensinformation.ie/en/health/health-system/emergency-health-services-in-ireland/",
            "https://www.hse.ie/eng/services/list/2/gp/out-of-hours-services/gp-out-of-hours-services.html",
        ),
    ),
    Country(
        "US",
        _("United States"),
        "911",
        None,  # no national non-emergency line: the patient's own doctor
        (
            "https://www.mass.gov/info-details/where-to-go-for-medical-care-when-you-are-sick-or-hurt",
        ),
    ),
    Country(
        "CA",
        _("Canada"),
        "911",
        _("811 (health advice line, where your province or territory has it)"),
        ("http://healthpei.ca/811", "https://www.hss.gov.nt.ca/en/services/811"),
    ),
    Country(
        "AU",
        _("Australia"),
        "000",
        "healthdirect (1800 022 222)",
        ("https://www.healthdirect.gov.au/what-care-do-i-need",),
    ),
    Country(
        "NZ",
        _("New Zealand"),
        "111",  # New Zealand's emergency number (not a helpline as in the UK)
        "Healthline (0800 611 116)",
        (
            "https://www.health.govt.nz/your-health/services-and-support/health-care-services/healthline/common-questions-about-healthline",
            "https://www.newdunedinhospital.nz/keeping-well/health-info-for-public/where-to-go-for-care/",
        ),
    ),
    Country(
        "DE",
        _("Germany"),
        "112",
        _("116117 (ärztlicher Bereitschaftsdienst, the out-of-hours doctor service)"),
        ("http://www.vdk.de/deutschland/pages/27414/116_117_der_neue_arztnotruf",),
    ),
    Country(
        "FR",
        _("France"),
        "15",  # SAMU; 112 also works. 15 also finds the doctor on call at night.
        _("116 117 where it is available, otherwise 15"),
        (
            "https://paca.ars.sante.fr/le-centre-dappel-15",
            "https://www.senioractu.com/Les-numeros-d-urgence-a-connaitre_a23873.html",
        ),
    ),
    Country(
        "ES",
        _("Spain"),
        "112",
        None,  # regional lines differ (061 in some regions): the patient's centro de salud
        (
            "https://salvavidas.com/blog/a-que-numero-llamar-en-caso-de-emergencia-en-espana-guia-completa-actualizada-2025",
            "https://www.diariodealmeria.es/almeria/sala-intermedia-unidad-pacientes-vulnerables_0_1268273467.html",
        ),
    ),
    Country(
        "NL",
        _("Netherlands"),
        "112",
        _("your GP, or the huisartsenpost (GP out-of-hours service) when the practice is closed"),
        ("https://www.gpinfo.nl/in-case-of-emergency",),
    ),
    Country(
        "IT",
        _("Italy"),
        "112",  # the single European number; 118 still answers in some regions
        _("116117 (guardia medica) where it is available"),
        (
            "https://www.lecconews.news/valsassina/guardia-medica-e-consigli-116-117-e-il-numero-unico-per-prestazioni-non-urgenti-282912/",
            "https://www.lanazione.it/grosseto/cronaca/numero-unico-per-avere-26cb11b4",
        ),
    ),
)

COUNTRIES: Mapping[str, Country] = MappingProxyType({row.code: row for row in _ROWS})
DEFAULT_COUNTRY = "GB"


def country_choices() -> list[tuple[str, str | Promise]]:
    return [(row.code, row.name) for row in _ROWS]


@dataclass(frozen=True)
class SafetyContacts:
    """The numbers one clinic's patients are given: the table's, or the clinic's override."""

    country: str
    emergency_number: str
    urgent_service: str | Promise | None

    @property
    def urgent_route(self) -> str:
        """What to do for same-day advice, in the active language."""
        if self.urgent_service:
            return _("call %(service)s") % {"service": self.urgent_service}
        return str(_("contact your doctor today"))


def safety_contacts(
    country: str, *, emergency_override: str = "", urgent_override: str = ""
) -> SafetyContacts:
    row = COUNTRIES[country]
    return SafetyContacts(
        country=row.code,
        emergency_number=emergency_override.strip() or row.emergency_number,
        urgent_service=urgent_override.strip() or row.urgent_service,
    )
