"""The suite makes an app for nearly every test (about 1,300 a run), and Werkzeug compiles two URL-builder
functions for each of an app's rules from a syntax tree, which took 95% of making an app (50 ms). A builder
depends only on its rule's text, defaults and the `append_unknown` flag, and takes the rule as its first argument,
so one compiled builder serves the same rule in every app: `reuse_url_builders` keeps them for the run."""
from __future__ import annotations

from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_builders: dict = {}


def _reused_builder(rule: Rule, append_unknown: bool = True):
    defaults = rule.defaults or {}
    if any(dynamic and name in defaults for dynamic, name in rule._trace):
        # A default that fills a part of the URL is turned to text by the rule's converter: not shared.
        return _compile_builder(rule, append_unknown)
    key = (rule.rule, rule.subdomain, rule.host, append_unknown, tuple(rule._trace), tuple(defaults))
    if key not in _builders:
        _builders[key] = _compile_builder(rule, append_unknown)
    return _builders[key]


def reuse_url_builders() -> None:
    Rule._compile_builder = _reused_builder
