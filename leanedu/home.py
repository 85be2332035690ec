"""The home page's blocks come from the apps: each AppConfig may list
``home_blocks``, so the kernel shows them without importing any app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class HomeBlock:
    """A section of the home page: a template and what it shows to ``request``'s user."""

    template: str
    context: Callable[[HttpRequest], dict]
    position: int = 100  # lower comes first; apps in INSTALLED_APPS order otherwise


def render_home_blocks(request: HttpRequest) -> list[SafeString]:
    blocks = [block for config in apps.get_app_configs() for block in getattr(config, "home_blocks", ())]
    return [
        render_to_string(block.template, block.context(request), request=request)
        for block in sorted(blocks, key=lambda b: b.position)
    ]
