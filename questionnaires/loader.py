"""Read questionnaire YAML files into `schema.Questionnaire`, validating strictly.

Every problem is collected (not just the first) and reported as `file: path: what is wrong`, so an author can
fix a file in one pass.

A questionnaire declares the languages it can be answered in (`languages: [en, es]`, the one it is written in
first). Each other language has a sibling file, `NAME.LANG.yaml`, that holds the translation of every text a
respondent reads, keyed by ids: titles, introductions, item texts and help, options, scale labels with their
descriptions and "Don't know". A missing or an extra translation is a problem like any other.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml
from babel import Locale, UnknownLocaleError

from assessment.vocabulary import RoleLevel, Sector

from .schema import (
    CONDITIONS,
    CONTINUUM,
    PROFILE_FIELDS,
    CaseLevel,
    Concern,
    Construct,
    Guidance,
    Item,
    Option,
    PairPractices,
    Questionnaire,
    Roles,
    Scale,
    Section,
    SectorRole,
)
from .types import TYPES

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
#: A BCP 47 language tag as Continuum takes it: a language, optionally a script and a region (`es`, `pt-BR`).
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
#: The language of a questionnaire that does not say.
DEFAULT_LANGUAGE = "en"
TOP_KEYS = {"id", "version", "title", "introduction", "estimated_minutes", "languages", "scales", "dimensions",
            "conditions", "sections", "guidance"}
TRANSLATION_KEYS = {"title", "introduction", "scales", "sections"}
SCALE_KEYS = {"min", "max", "labels", "dont_know"}
CONSTRUCT_KEYS = {"id", "label", "description", "practices"}
SECTION_KEYS = {"id", "title", "intro", "items"}
ITEM_KEYS = {"id", "type", "text", "required", "help", "scale", "dimension", "condition", "reverse", "options",
             "sets", "max_length", "replaces", "practice", "short", "for"}
#: The longest short label of an item (what the report's charts call it).
SHORT_MAX = 42
GUIDANCE_KEYS = {"perception_gaps", "weak_ties", "declines", "tensions", "principles", "roles"}
PAIR_PRACTICE_KEYS = {"system", "case"}
ROLES_KEYS = {"sectors", "case_level", "peers", "apart", "convener"}
SECTOR_ROLE_KEYS = {"bound", "short", "limits_sharing", "paired"}
CASE_LEVEL_KEYS = {"sectors", "condition"}
CONCERN_KEYS = {"id", "label", "description", "sectors", "items", "practices"}
OPTION_KEYS = {"value", "label", "description"}


class QuestionnaireError(ValueError):
    """A questionnaire file is invalid; `problems` lists every problem found, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Problems:
    def __init__(self, source: str):
        self.source = source
        self.lines: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.lines.append(f"{self.source}: {where}: {what}" if where else f"{self.source}: {what}")


def translation_language(path: Path) -> Optional[str]:
    """`es` for `NAME.es.yaml`, None for a questionnaire file."""
    return path.stem.partition(".")[2] or None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([f"{path}: cannot read the file: {exc}"]) from exc


def load_file(path: str | Path) -> Questionnaire:
    """A questionnaire file with the translation files beside it (`NAME.LANG.yaml`)."""
    path = Path(path)
    language = translation_language(path)
    if language is not None:
        base = path.with_name(path.stem.partition(".")[0] + path.suffix)
        raise QuestionnaireError([f"{path}: this is the {language_name(language)} translation of {base.name}; "
                                  f"check {base} instead, which reads its translations with it"])
    text = _read(path)
    translations = {translation_language(other): (str(other), _read(other))
                    for other in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}"))}
    return load_text(text, source=str(path), translations=translations)


#: libyaml's parser where PyYAML was built with it (its wheels are): the same safe loading, ten times faster, and
#: every app start (and every test's app) reads the questionnaires.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireError([f"{source}: {where}: not valid YAML: {problem}"]) from exc


def load_text(text: str, source: str = "<string>",
              translations: Optional[Mapping[str, tuple[str, str]]] = None) -> Questionnaire:
    """A questionnaire from its YAML text; `translations` maps each other language to (source, YAML text)."""
    problems = _Problems(source)
    questionnaire = _questionnaire(_parse(text, source), problems)
    if problems.lines:  # translations are read against a valid questionnaire only
        raise QuestionnaireError(problems.lines)
    return _with_translations(questionnaire, translations or {})


def load_directory(directory: str | Path) -> dict[tuple[str, int], Questionnaire]:
    """Every questionnaire file of a directory with its translations, keyed by (id, version); all files' problems
    are reported together."""
    found: dict[tuple[str, int], Questionnaire] = {}
    problems: list[str] = []
    paths = sorted(Path(directory).glob("*.yaml"))
    for path in paths:
        language = translation_language(path)
        if language is not None:
            base = path.with_name(path.stem.partition(".")[0] + path.suffix)
            if base not in paths:
                problems.append(f"{path}: a {language_name(language)} translation of {base.name}, which does not "
                                f"exist")
            continue
        try:
            questionnaire = load_file(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        if questionnaire.key in found:
            problems.append(f"{path}: id {questionnaire.id!r} version {questionnaire.version} is also defined in "
                            f"{found[questionnaire.key].source}")
        found[questionnaire.key] = questionnaire
    if problems:
        raise QuestionnaireError(problems)
    return found


def language_name(language: str) -> str:
    """`Spanish (es)`: the language's English name with its tag, for messages."""
    try:
        return f"{Locale.parse(language, sep='-').get_display_name('en')} ({language})"
    except (ValueError, UnknownLocaleError):
        return repr(language)


# --- helpers -------------------------------------------------------------------------------------------------

def _unknown_keys(node: dict, allowed: set[str], where: str, problems: _Problems) -> None:
    for key in node:
        if key not in allowed:
            problems.add(where, f"unknown key {key!r}; allowed keys are {', '.join(sorted(allowed))}")


def _text(node: dict, key: str, where: str, problems: _Problems, required: bool = True) -> str:
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(where, f"missing {key}")
        return ""
    if not isinstance(value, str):
        problems.add(where, f"{key} must be text, not {type(value).__name__}")
        return ""
    return value.strip()


def _identifier(node: dict, where: str, problems: _Problems) -> str:
    value = node.get("id")
    if value is None or value == "":
        problems.add(where, "missing id")
        return ""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        problems.add(where, f"id {value!r} must start with a lower-case letter and hold only a-z, 0-9 and _")
        return str(value)
    return value


def _mapping(node: Any, where: str, problems: _Problems) -> Optional[dict]:
    if not isinstance(node, dict):
        problems.add(where, f"expected a mapping of keys to values, found {type(node).__name__}")
        return None
    return node


def _list(node: Any, where: str, what: str, problems: _Problems) -> list:
    if node is None:
        problems.add(where, f"missing {what}")
        return []
    if not isinstance(node, list):
        problems.add(where, f"{what} must be a list, found {type(node).__name__}")
        return []
    if not node:
        problems.add(where, f"{what} is empty")
    return node


def _bool(node: dict, key: str, where: str, problems: _Problems) -> bool:
    value = node.get(key, False)
    if not isinstance(value, bool):
        problems.add(where, f"{key} must be true or false, not {value!r}")
        return False
    return value


# --- the parts -----------------------------------------------------------------------------------------------

def _questionnaire(data: Any, problems: _Problems) -> Optional[Questionnaire]:
    if _mapping(data, "", problems) is None:
        return None
    _unknown_keys(data, TOP_KEYS, "", problems)
    qid = _identifier(data, "", problems)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.add("version", f"must be a whole number of 1 or more, not {version!r}")
        version = 0
    minutes = data.get("estimated_minutes", 15)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 240:
        problems.add("estimated_minutes", f"must be a whole number of minutes between 1 and 240, not {minutes!r}")
        minutes = 15
    title = _text(data, "title", "", problems)
    introduction = _text(data, "introduction", "", problems)
    languages = _languages(data.get("languages"), problems)

    scales = _scales(data.get("scales"), problems)
    dimensions = _constructs(data.get("dimensions"), "dimensions", "dimension", problems)
    conditions = _constructs(data.get("conditions") or [], "conditions", "condition", problems, required=False)
    dimension_ids = tuple(c.id for c in dimensions)
    if dimensions and dimension_ids != CONTINUUM:
        problems.add("dimensions", f"must be exactly {', '.join(CONTINUUM)} in that (continuum) order, "
                                   f"found {', '.join(dimension_ids)}")
    for index, construct in enumerate(conditions):
        if construct.id not in CONDITIONS:
            problems.add(f"conditions[{index}]", f"unknown condition {construct.id!r}; expected one of "
                                                 f"{', '.join(CONDITIONS)}")
    sections = _sections(data.get("sections"), scales, dimension_ids, tuple(c.id for c in conditions), problems)

    items = [item for section in sections for item in section.items]
    for construct in dimensions + conditions:
        if not any(i.construct == construct.id and i.type == "likert" for i in items):
            problems.add(f"{construct.kind}s", f"{construct.kind} {construct.id!r} has no Likert items")
    if sum(1 for i in items if i.type == "roster") > 1:
        problems.add("sections", "only one roster item is allowed")
    for name in PROFILE_FIELDS:
        if sum(1 for i in items if i.sets == name) > 1:
            problems.add("sections", f"only one item may set {name}")

    guidance = _guidance(data.get("guidance"), items, problems)
    return Questionnaire(id=qid, version=version, title=title, introduction=introduction,
                         estimated_minutes=minutes, scales=scales, dimensions=dimensions,
                         conditions=conditions, sections=tuple(sections), source=problems.source,
                         language=languages[0], languages=languages, guidance=guidance)


def _guidance(node: Any, items: list[Item], problems: _Problems) -> Guidance:
    item_practices = {i.id: i.practice for i in items if i.practice}
    item_sectors = {i.id: i.practice_for for i in items if i.practice_for}
    if node is None:
        return Guidance(item_practices=item_practices, item_sectors=item_sectors)
    if _mapping(node, "guidance", problems) is None:
        return Guidance(item_practices=item_practices, item_sectors=item_sectors)
    _unknown_keys(node, GUIDANCE_KEYS, "guidance", problems)
    known = {"sectors": ({s.value for s in Sector}, "sector"),
             "items": ({i.id for i in items if i.type == "likert"}, "Likert item")}
    concerns = {}
    for key in ("tensions", "principles"):
        entries = node.get(key) or []
        if not isinstance(entries, list):
            problems.add(f"guidance.{key}", "must be a list")
            entries = []
        concerns[key] = tuple(_concern(spec, where, cid, known, problems) for where, spec, cid
                              in _identified(entries, f"guidance.{key}", CONCERN_KEYS, "id", problems))
    return Guidance(item_practices=item_practices, item_sectors=item_sectors,
                    perception_gaps=_pair_practices(node.get("perception_gaps"), "guidance.perception_gaps", problems),
                    weak_ties=_pair_practices(node.get("weak_ties"), "guidance.weak_ties", problems),
                    declines=_practices(node, "guidance", problems, key="declines"), **concerns,
                    roles=_roles(node.get("roles"), problems))


def _pair_practices(node: Any, where: str, problems: _Problems) -> PairPractices:
    """`system` practices (one at least: any pair may get them) and `case` practices (for pairs whose roles allow
    case-level exchange)."""
    if node is None:
        return PairPractices()
    if _mapping(node, where, problems) is None:
        return PairPractices()
    _unknown_keys(node, PAIR_PRACTICE_KEYS, where, problems)
    return PairPractices(system=_practices(node, where, problems, required=True, key="system"),
                         case=_practices(node, where, problems, key="case"))


def _roles(node: Any, problems: _Problems) -> Roles:
    """The role table: every sector with what binds it, the pairs of sectors that may work case by case (each
    with its terms), and the sectors whose agencies work with each other. Every sector must be listed, so that a
    new sector cannot slip past the table."""
    where = "guidance.roles"
    if node is None:
        return Roles()
    if _mapping(node, where, problems) is None:
        return Roles()
    _unknown_keys(node, ROLES_KEYS, where, problems)
    known = [s.value for s in Sector]
    sectors: dict[str, SectorRole] = {}
    listed = node.get("sectors")
    if _mapping(listed, f"{where}.sectors", problems) is not None:
        for name, spec in listed.items():
            at = f"{where}.sectors.{name}"
            if name not in known:
                problems.add(at, f"unknown sector {name!r}; sectors are {', '.join(known)}")
                continue
            if _mapping(spec, at, problems) is None:
                continue
            _unknown_keys(spec, SECTOR_ROLE_KEYS, at, problems)
            flags = {}
            for flag, default in (("limits_sharing", False), ("paired", True)):
                flags[flag] = spec.get(flag, default)
                if not isinstance(flags[flag], bool):
                    problems.add(at, f"{flag} must be true or false")
                    flags[flag] = default
            sectors[name] = SectorRole(bound=" ".join(_text(spec, "bound", at, problems).split()),
                                       short=" ".join(_text(spec, "short", at, problems).split()), **flags)
        for name in known:
            if name not in listed:
                problems.add(f"{where}.sectors", f"sector {name!r} is missing: say what binds it")
    pairs = []
    for index, spec in enumerate(_list(node.get("case_level"), f"{where}.case_level", "case_level", problems)):
        at = f"{where}.case_level[{index}]"
        if _mapping(spec, at, problems) is None:
            continue
        _unknown_keys(spec, CASE_LEVEL_KEYS, at, problems)
        named = spec.get("sectors")
        if not (isinstance(named, list) and len(named) == 2 and all(isinstance(n, str) for n in named)):
            problems.add(at, "sectors must be a list of two sectors")
            continue
        unknown = [n for n in named if n not in known]
        if unknown:
            problems.add(at, f"unknown sector {unknown[0]!r}")
            continue
        if any(sorted(p.sectors) == sorted(named) for p in pairs):
            problems.add(at, f"the pair {named[0]}, {named[1]} is listed twice")
        pairs.append(CaseLevel(sectors=(named[0], named[1]),
                               condition=" ".join(_text(spec, "condition", at, problems).split())))
    peers = node.get("peers") or []
    if not isinstance(peers, list) or any(p not in known for p in peers):
        problems.add(f"{where}.peers", f"must be a list of sectors ({', '.join(known)})")
        peers = []
    for pair in pairs:
        if pair.sectors[0] == pair.sectors[1] and pair.sectors[0] not in peers:
            problems.add(f"{where}.case_level", f"{pair.sectors[0]} works case by case with itself, so it must be "
                                                "among the peers")
    apart = []
    for index, named in enumerate(node.get("apart") or []):
        if not (isinstance(named, list) and len(named) == 2 and all(n in known for n in named)):
            problems.add(f"{where}.apart[{index}]", f"must be a list of two sectors, not {named!r}")
            continue
        if any(sorted(c.sectors) == sorted(named) for c in pairs):
            problems.add(f"{where}.apart[{index}]", f"{named[0]} and {named[1]} also work case by case")
        apart.append(tuple(sorted(named)))
    convener = node.get("convener")
    if convener is not None and convener not in known:
        problems.add(f"{where}.convener", f"unknown sector {convener!r}")
        convener = None
    return Roles(sectors=sectors, case_level=tuple(pairs), peers=tuple(peers), apart=tuple(apart),
                 convener=convener)


def _concern(spec: dict, where: str, cid: str, known: dict[str, tuple[set, str]], problems: _Problems) -> Concern:
    """A tension or principle, naming only sectors and items that exist (`known`: field -> (values, what))."""
    named = {}
    for field_name, (values_known, what) in known.items():
        values = spec.get(field_name) or []
        if not isinstance(values, list):
            problems.add(where, f"{field_name} must be a list")
            values = []
        for value in values:
            if value not in values_known:
                problems.add(where, f"unknown {what} {value!r} in {field_name}")
        named[field_name] = tuple(v for v in values if v in values_known)
    return Concern(id=cid, label=_text(spec, "label", where, problems),
                   description=_text(spec, "description", where, problems),
                   practices=_practices(spec, where, problems, required=True), **named)


def _languages(node: Any, problems: _Problems) -> tuple[str, ...]:
    if node is None:
        return (DEFAULT_LANGUAGE,)
    if not isinstance(node, list) or not node:
        problems.add("languages", "must be a list of language tags, the one the file is written in first "
                                  "(for example [en, es])")
        return (DEFAULT_LANGUAGE,)
    found = []
    for index, language in enumerate(node):
        if not isinstance(language, str) or not LANGUAGE_PATTERN.match(language) or not _known(language):
            problems.add(f"languages[{index}]", f"{language!r} is not a language tag (for example en, es or pt-BR)")
        elif language in found:
            problems.add(f"languages[{index}]", f"{language} is listed twice")
        else:
            found.append(language)
    return tuple(found) or (DEFAULT_LANGUAGE,)


def _known(language: str) -> bool:
    try:
        Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _scales(node: Any, problems: _Problems) -> dict[str, Scale]:
    if node is None:
        problems.add("scales", "missing scales")
        return {}
    if _mapping(node, "scales", problems) is None:
        return {}
    scales = {}
    for scale_id, spec in node.items():
        where = f"scales.{scale_id}"
        if not isinstance(scale_id, str) or not ID_PATTERN.match(scale_id):
            problems.add(where, "a scale id must start with a lower-case letter and hold only a-z, 0-9 and _")
            continue
        if _mapping(spec, where, problems) is None:
            continue
        _unknown_keys(spec, SCALE_KEYS, where, problems)
        low, high = spec.get("min"), spec.get("max")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) or low >= high:
            problems.add(where, f"bad scale: min and max must be whole numbers with min < max, "
                                f"found min={low!r} max={high!r}")
            continue
        labels = spec.get("labels")
        if not isinstance(labels, dict):
            problems.add(where, "bad scale: labels must map each value from min to max to a label")
            continue
        options = []
        for value in range(low, high + 1):
            label = labels.get(value)
            if isinstance(label, dict):
                text, description = label.get("label"), label.get("description", "")
            else:
                text, description = label, ""
            if not isinstance(text, str) or not text.strip():
                problems.add(where, f"bad scale: no label for value {value}")
                continue
            options.append(Option(value=str(value), label=text.strip(), description=str(description).strip()))
        extra = sorted(str(k) for k in labels if not isinstance(k, int) or not low <= k <= high)
        if extra:
            problems.add(where, f"bad scale: labels for values outside {low}..{high}: {', '.join(extra)}")
        dont_know = spec.get("dont_know", "Don't know")
        if dont_know is not None and not isinstance(dont_know, str):
            problems.add(where, "dont_know must be the label of the don't-know option, or null for none")
            dont_know = None
        scales[scale_id] = Scale(id=scale_id, min=low, max=high, options=tuple(options), dont_know=dont_know)
    return scales


def _identified(entries: list, prefix: str, keys: set[str], what: str, problems: _Problems):
    """(where, spec, id) of each entry that is a mapping, its keys checked and its id unique among them ("duplicate
    {what} 'x'" otherwise)."""
    seen = set()
    for index, spec in enumerate(entries):
        where = f"{prefix}[{index}]"
        if _mapping(spec, where, problems) is None:
            continue
        _unknown_keys(spec, keys, where, problems)
        identifier = _identifier(spec, where, problems)
        if identifier in seen:
            problems.add(where, f"duplicate {what} {identifier!r}")
        seen.add(identifier)
        yield where, spec, identifier


def _constructs(node: Any, key: str, kind: str, problems: _Problems, required: bool = True) -> tuple[Construct, ...]:
    entries = _list(node, key, key, problems) if required else (node if isinstance(node, list) else [])
    return tuple(Construct(id=cid, kind=kind, label=_text(spec, "label", where, problems),
                           description=_text(spec, "description", where, problems),
                           practices=_practices(spec, where, problems, required=kind == "dimension"))
                 for where, spec, cid in _identified(entries, key, CONSTRUCT_KEYS, f"{kind} id", problems))


def _practices(node: dict, where: str, problems: _Problems, required: bool = False, key: str = "practices",
               ) -> tuple[str, ...]:
    """A list of recommended practices: each one non-empty text."""
    practices = node.get(key, [])
    if not isinstance(practices, list) or (required and not practices):
        problems.add(where, f"{key} must be a list of recommended practices" + (", one at least" if required else ""))
        return ()
    if not all(isinstance(p, str) and p.strip() for p in practices):
        problems.add(where, f"every one of {key} must be non-empty text")
        return ()
    return tuple(" ".join(p.split()) for p in practices)


def _sections(node: Any, scales: dict[str, Scale], dimensions: tuple[str, ...], conditions: tuple[str, ...],
              problems: _Problems) -> list[Section]:
    sections, seen_items = [], set()
    for where, spec, sid in _identified(_list(node, "sections", "sections", problems), "sections", SECTION_KEYS,
                                        "section id", problems):
        items_node = spec.get("items")
        if not items_node:
            problems.add(where, f"empty section {sid!r}: it needs at least one item")
            items_node = []
        elif not isinstance(items_node, list):
            problems.add(where, "items must be a list")
            items_node = []
        items = []
        for i_index, item_spec in enumerate(items_node):
            item = _item(item_spec, f"{where}.items[{i_index}]", scales, dimensions, conditions, problems)
            if item is None:
                continue
            if item.id in seen_items:
                problems.add(f"{where}.items[{i_index}] ({item.id})", f"duplicate item id {item.id!r}")
            seen_items.add(item.id)
            items.append(item)
        sections.append(Section(id=sid, title=_text(spec, "title", where, problems),
                                intro=_text(spec, "intro", where, problems, required=False), items=tuple(items)))
    return sections


def _item(spec: Any, where: str, scales: dict[str, Scale], dimensions: tuple[str, ...],
          conditions: tuple[str, ...], problems: _Problems) -> Optional[Item]:
    if _mapping(spec, where, problems) is None:
        return None
    item_id = _identifier(spec, where, problems)
    where = f"{where} ({item_id})" if item_id else where
    _unknown_keys(spec, ITEM_KEYS, where, problems)
    item_type = spec.get("type")
    text = _text(spec, "text", where, problems)
    reverse = _bool(spec, "reverse", where, problems)
    required = _bool(spec, "required", where, problems)
    dimension, condition = spec.get("dimension"), spec.get("condition")
    if dimension is not None and dimension not in dimensions:
        problems.add(where, f"unknown dimension {dimension!r}; expected one of {', '.join(dimensions)}")
    if condition is not None and condition not in conditions:
        problems.add(where, f"unknown condition {condition!r}; expected one of {', '.join(conditions)}")
    if dimension is not None and condition is not None:
        problems.add(where, "an item measures a dimension or a condition, not both")
    scale_id = spec.get("scale")
    if item_type not in TYPES:
        problems.add(where, f"unknown type {item_type!r}; expected one of {', '.join(TYPES)}")
    else:
        TYPES[item_type].check(spec, scales, lambda problem: problems.add(where, problem))

    options = _options(spec.get("options"), where, item_type, problems)
    sets = spec.get("sets")
    if sets is not None:
        if sets not in PROFILE_FIELDS or item_type != "choice":
            problems.add(where, f"sets must be one of {', '.join(PROFILE_FIELDS)}, on a choice item")
        elif {o.value for o in options} != {r.value for r in RoleLevel}:
            problems.add(where, f"an item that sets role_level must offer exactly the role levels "
                                f"{', '.join(r.value for r in RoleLevel)}")
    replaces = spec.get("replaces")
    if replaces is not None and (not isinstance(replaces, str) or not ID_PATTERN.match(replaces)
                                 or item_type != "likert" or replaces == item_id):
        problems.add(where, f"replaces must name the id of an earlier Likert item this Likert item stands in for, "
                            f"not {replaces!r}")
        replaces = None
    max_length = spec.get("max_length", 2000)
    if not isinstance(max_length, int) or isinstance(max_length, bool) or not 1 <= max_length <= 10000:
        problems.add(where, f"max_length must be a whole number from 1 to 10000, not {max_length!r}")
        max_length = 2000
    practice = _text(spec, "practice", where, problems, required=False)
    if practice and item_type != "likert":
        problems.add(where, "only a Likert item has a practice (what the report recommends when it scores low)")
    practice_for = spec.get("for") or []
    if not isinstance(practice_for, list) or any(s not in {x.value for x in Sector} for s in practice_for):
        problems.add(where, f"for must be a list of the sectors the practice is for "
                            f"({', '.join(x.value for x in Sector)}), not {practice_for!r}")
        practice_for = []
    if practice_for and not practice:
        problems.add(where, "for names the sectors a practice is for: the item has no practice")
    short = _text(spec, "short", where, problems, required=False)
    if len(short) > SHORT_MAX:
        problems.add(where, f"short must be at most {SHORT_MAX} characters (it labels a chart), not {len(short)}")
    return Item(id=item_id, type=item_type if item_type in TYPES else "", text=text, required=required,
                help=_text(spec, "help", where, problems, required=False), scale=scale_id,
                dimension=dimension, condition=condition, reverse=reverse, options=options, sets=sets,
                max_length=max_length, replaces=replaces, practice=practice, short=short,
                practice_for=tuple(practice_for))


def _options(node: Any, where: str, item_type: Any, problems: _Problems) -> tuple[Option, ...]:
    if item_type not in TYPES or not TYPES[item_type].takes_options:
        if node is not None:
            problems.add(where, f"a {item_type} item cannot have options")
        return ()
    entries = _list(node, where, "options", problems)
    options, seen = [], set()
    for index, spec in enumerate(entries):
        o_where = f"{where}.options[{index}]"
        if _mapping(spec, o_where, problems) is None:
            continue
        _unknown_keys(spec, OPTION_KEYS, o_where, problems)
        value = spec.get("value")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            problems.add(o_where, f"option value {value!r} must start with a lower-case letter and hold only "
                                  f"a-z, 0-9 and _")
            continue
        if value in seen:
            problems.add(o_where, f"duplicate option value {value!r}")
        seen.add(value)
        options.append(Option(value=value, label=_text(spec, "label", o_where, problems),
                              description=_text(spec, "description", o_where, problems, required=False)))
    return tuple(options)


# --- translations --------------------------------------------------------------------------------------------

def _with_translations(q: Questionnaire, translations: Mapping[str, tuple[str, str]]) -> Questionnaire:
    """The questionnaire with each of its other languages read from `translations` and checked against it: every
    text a respondent reads translated, and nothing translated that the questionnaire does not have."""
    lines: list[str] = []
    for language in q.languages[1:]:
        if language not in translations:
            lines.append(f"{q.source}: languages: no {language_name(language)} translation; write it in "
                         f"{Path(q.source).stem}.{language}.yaml beside this file")
    copies = {}
    for language, (source, text) in translations.items():
        problems = _Problems(source)
        if language not in q.languages[1:]:
            problems.add("", f"{q.source} does not offer {language_name(language)} (its languages are "
                             f"{', '.join(q.languages)}): add {language} to its languages, or remove this file")
        else:
            try:
                copies[language] = _Translation(q, language, problems).read(_parse(text, source))
            except QuestionnaireError as exc:
                problems.lines.extend(exc.problems)
        lines.extend(problems.lines)
    if lines:
        raise QuestionnaireError(lines)
    q.by_language.update({q.language: q, **copies})
    return q


class _Translation:
    """One translation file read against the questionnaire it translates, by ids: a text the questionnaire shows
    must be there, and a text it does not have must not."""

    def __init__(self, q: Questionnaire, language: str, problems: _Problems):
        self.q = q
        self.language = language
        self.problems = problems
        self.original = Path(q.source).name

    def read(self, data: Any) -> Questionnaire:
        if _mapping(data, "", self.problems) is None:
            return self.q
        self._extra(data, TRANSLATION_KEYS, "", "such key")
        scales_node = self._mapping(data, "scales", "")
        self._extra(scales_node, self.q.scales, "scales", "scale")
        scales = {scale_id: self._scale(scale, self._mapping(scales_node, scale_id, "scales"))
                  for scale_id, scale in self.q.scales.items()}
        sections_node = self._mapping(data, "sections", "")
        self._extra(sections_node, [s.id for s in self.q.sections], "sections", "section")
        sections = tuple(self._section(section, self._mapping(sections_node, section.id, "sections"))
                         for section in self.q.sections)
        return replace(self.q, title=self._text(data, "title", "", self.q.title),
                       introduction=self._text(data, "introduction", "", self.q.introduction),
                       scales=scales, sections=sections, language=self.language)

    def _scale(self, scale: Scale, node: dict) -> Scale:
        where = f"scales.{scale.id}"
        self._extra(node, ("labels", "dont_know"), where, "such key")
        labels = self._mapping(node, "labels", where)
        self._extra(labels, [o.value for o in scale.options], f"{where}.labels", "value")
        return replace(scale, options=tuple(self._option(labels, o, f"{where}.labels") for o in scale.options),
                       dont_know=self._text(node, "dont_know", where, scale.dont_know or "") or None)

    def _section(self, section: Section, node: dict) -> Section:
        where = f"sections.{section.id}"
        self._extra(node, ("title", "intro", "items"), where, "such key")
        items_node = self._mapping(node, "items", where)
        self._extra(items_node, [i.id for i in section.items], f"{where}.items", "item")
        return replace(section, title=self._text(node, "title", where, section.title),
                       intro=self._text(node, "intro", where, section.intro),
                       items=tuple(self._item(item, self._mapping(items_node, item.id, f"{where}.items", item.id),
                                              f"{where}.items.{item.id}") for item in section.items))

    def _item(self, item: Item, node: dict, where: str) -> Item:
        self._extra(node, ("text", "help", "options"), where, "such key", item.id)
        options = self._mapping(node, "options", where, item.id)
        self._extra(options, [o.value for o in item.options], f"{where}.options", "option", item.id)
        return replace(item, text=self._text(node, "text", where, item.text, item.id),
                       help=self._text(node, "help", where, item.help, item.id),
                       options=tuple(self._option(options, o, f"{where}.options", item.id) for o in item.options))

    def _option(self, node: dict, option: Option, where: str, item_id: str = "") -> Option:
        """An option is translated as its label, or as a mapping of label and description."""
        entry = node.get(option.value)
        place = f"{where}.{option.value}"
        if isinstance(entry, dict):
            self._extra(entry, ("label", "description"), place, "such key", item_id)
            label = self._text(entry, "label", place, option.label, item_id)
        else:
            label = self._text(node, option.value, where, option.label, item_id)
            entry = {}
        return replace(option, label=label,
                       description=self._text(entry, "description", place, option.description, item_id))

    # - helpers -

    def _where(self, where: str, key: str, item_id: str) -> str:
        path = f"{where}.{key}" if where else key
        return f"{path} ({item_id})" if item_id else path

    def _text(self, node: dict, key: str, where: str, original: str, item_id: str = "") -> str:
        """The translation of `original` found at `node[key]`; the original (and a problem) when it is not."""
        value = node.get(key)
        place = self._where(where, key, item_id)
        if not original:
            if value is not None:
                self.problems.add(place, f"extra translation: {self.original} has no {key} here")
            return ""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problems.add(place, f"missing {language_name(self.language)} translation")
            return original
        if not isinstance(value, str):
            self.problems.add(place, f"must be text, not {type(value).__name__}")
            return original
        return value.strip()

    def _mapping(self, node: dict, key: str, where: str, item_id: str = "") -> dict:
        """`node[key]` with its keys as text (scale values are numbers in YAML), or {} when it is missing (each
        text under it is then reported missing)."""
        value = node.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.add(self._where(where, key, item_id),
                              f"expected a mapping of keys to values, found {type(value).__name__}")
            return {}
        return {str(k): v for k, v in value.items()}

    def _extra(self, node: dict, known: Iterable[str], where: str, what: str, item_id: str = "") -> None:
        known = set(known)
        for key in node:
            if key not in known:
                self.problems.add(self._where(where, str(key), item_id),
                                  f"extra translation: {self.original} has no {what} {key!r} here")
