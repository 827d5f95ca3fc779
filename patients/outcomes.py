"""Figures the outcomes report (triage) needs from apps beside it, without importing them.

`programs` registers how adherent each patient was from its ProgramsConfig.ready(); triage asks
through here, so neither imports the other (DESIGN.md §7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

# patient id -> the moment up to which to count -> percent of prescribed exercise done
# (None: no program ran before that moment).
AdherenceProvider = Callable[[Mapping[int, dt.datetime]], Mapping[int, int | None]]

_adherence: list[AdherenceProvider] = []


def register_adherence(provider: AdherenceProvider) -> None:
    _adherence[:] = [provider]  # one provider; re-registering replaces


def adherence_until(cuts: Mapping[int, dt.datetime]) -> dict[int, int | None]:
    """Each patient's adherence up to their cut; every patient is None without a provider."""
    if not _adherence or not cuts:
        return dict.fromkeys(cuts)
    found = _adherence[0](cuts)
    return {pk: found.get(pk) for pk in cuts}
