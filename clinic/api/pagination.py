from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """Page numbers, with the query parameters held to what the schema says: a page_size that
    is not a whole number from 1 to max_page_size (or a page that is not a whole number) is a
    400 naming it, not silently the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _whole(self, request: Request, name: str, maximum: int | None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= (maximum or 10**9):
            limit = f" from 1 to {maximum}" if maximum else " from 1"
            raise serializers.ValidationError({name: [f"A whole number{limit}."]})
        return int(raw)

    def get_page_size(self, request: Request) -> int:
        size = self._whole(request, self.page_size_query_param, self.max_page_size)
        return size if size is not None else self.page_size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        self._whole(request, self.page_query_param, None)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
