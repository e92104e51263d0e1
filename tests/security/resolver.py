"""Every URL pattern the project serves, read from Django's resolver, and a concrete URL for each.

``url_patterns()`` walks ``get_resolver()`` recursively (Wagtail admin, Django admin, the apps,
Wagtail's page serving) and gives each pattern its full route (``assess/attempts/<int:pk>/``),
its namespaced name (``adaptive:attempt``) and its view. ``sample_path()`` fills the route's
parameters (path converters and the few regex groups Wagtail and the Django admin use), so each
pattern can be requested with a representative argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    route: str  # as written, prefixes joined: "admin/items/<int:pk>/"
    name: str  # namespaced ("adaptive:attempt"), "" when the pattern has none
    view: str  # dotted path of the callback, for messages

    @property
    def key(self) -> str:
        return self.name or self.route


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            callback = entry.callback
            view = f"{callback.__module__}.{getattr(callback, '__name__', type(callback).__name__)}"
            yield Pattern(route=prefix + str(entry.pattern), name=name, view=view)


def url_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


_CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _regex_sample(body: str) -> str:
    """A string matching one of the simple regex groups found in the URL conf."""
    for alternative in body.split("|"):
        if re.fullmatch(r"[\w-]+", alternative):
            return alternative
    if body in (r"\d+",):
        return "1"
    return "x"


def sample_path(route: str, values: dict[str, object] | None = None) -> str:
    """``route`` with every parameter replaced: by ``values[name]`` when given, else "1"."""
    values = values or {}

    def converter(match: re.Match) -> str:
        return str(values.get(match["name"], "1"))

    def group(match: re.Match) -> str:
        name = match["name"]
        return str(values[name]) if name in values else _regex_sample(match["body"])

    path = _NAMED_GROUP.sub(group, route)  # first: "(?P<name>...)" also looks like "<name>"
    path = _CONVERTER.sub(converter, path)
    # The unnamed groups and bits of regex that remain (Wagtail's page and document serving).
    path = path.replace(r"((?:[\w\-]+/)*)", "").replace(r"(\d+)", "1").replace("(.*)", "x")
    path = path.replace(r"\.\.\.", "...").replace(".*", "x").replace("^", "").replace("$", "")
    return "/" + path
