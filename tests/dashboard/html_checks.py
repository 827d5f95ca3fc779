"""Checks on rendered pages that need the HTML parsed, not searched."""

from __future__ import annotations

from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("aria-describedby", "aria-labelledby", "aria-controls") and value:
                self.references.extend((tag, name, ref) for ref in value.split())
            if name == "for" and value and tag == "label":
                self.references.append((tag, name, value))


def dangling_references(html: str) -> list[tuple[str, str, str]]:
    """Every aria-describedby / aria-labelledby / aria-controls / label[for] naming an id the
    page does not have."""
    parser = _Ids()
    parser.feed(html)
    return [ref for ref in parser.references if ref[2] not in parser.ids]
