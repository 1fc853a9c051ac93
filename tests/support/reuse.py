"""What the suite's apps share. The suite makes an app for nearly every test (about 1,300 a run), and each new
app compiled again what does not change from one app to the next: Werkzeug's URL-builder functions (two per
rule, from a syntax tree: 95% of making an app, 50 ms) and Jinja's templates (about 16 ms each, several per test).
Both depend only on their source (a rule's text and defaults; a template's name and text), so the run compiles
each once: `share_compiled_code` installs the two caches below, for test processes only."""
from __future__ import annotations

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_builders: dict = {}


def _reused_builder(rule: Rule, append_unknown: bool = True):
    """A builder takes its rule as its first argument and closes over nothing of it: one serves every app."""
    defaults = rule.defaults or {}
    if any(dynamic and name in defaults for dynamic, name in rule._trace):
        # A default that fills a part of the URL is turned to text by the rule's converter: not shared.
        return _compile_builder(rule, append_unknown)
    key = (rule.rule, rule.subdomain, rule.host, append_unknown, tuple(rule._trace), tuple(defaults))
    if key not in _builders:
        _builders[key] = _compile_builder(rule, append_unknown)
    return _builders[key]


def _compiling(environment) -> tuple:
    """What of an environment goes into a template's compiled code besides its text: an app whose Jinja settings
    differ gets code of its own."""
    def function(value):  # a method of the app (Flask's autoescape) is the same function in every app
        return getattr(value, "__func__", value)

    return (function(environment.autoescape), function(environment.finalize), environment.is_async,
            environment.optimized,
            getattr(environment, "newstyle_gettext", None), tuple(sorted(environment.extensions)),
            tuple(sorted(environment.filters)), tuple(sorted(environment.tests)),
            tuple(getattr(environment, name) for name in ("block_start_string", "block_end_string",
                                                          "variable_start_string", "variable_end_string",
                                                          "comment_start_string", "comment_end_string",
                                                          "line_statement_prefix", "line_comment_prefix",
                                                          "trim_blocks", "lstrip_blocks", "newline_sequence",
                                                          "keep_trailing_newline")))


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache kept in memory, as code objects: a template's code is found by its name, file and
    the checksum of its text (Jinja's own key) and the settings it was compiled with, so a changed template, or
    one an app with other settings reads, is compiled again."""

    def __init__(self) -> None:
        self.code: dict[tuple, object] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.code.get((bucket.key, bucket.checksum, _compiling(bucket.environment)))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[(bucket.key, bucket.checksum, _compiling(bucket.environment))] = bucket.code


TEMPLATES = CompiledTemplates()
_create_jinja_environment = Flask.create_jinja_environment


def _environment_with_compiled_templates(app: Flask):
    environment = _create_jinja_environment(app)
    environment.bytecode_cache = TEMPLATES
    return environment


def share_compiled_code() -> None:
    Rule._compile_builder = _reused_builder
    Flask.create_jinja_environment = _environment_with_compiled_templates
