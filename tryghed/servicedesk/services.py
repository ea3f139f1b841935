"""The citizen services as configuration.

`services.json` says what citizens can submit, which questions each service asks and who
receives it; `load()` makes the database match the file, service by service (by code), so
that changing who receives what is an edit of the file and a re-run, not a code change.

The file has two parts: `attribute_sets`, named lists of questions that several services
share, and `services`, each with its own `attributes` and the sets it `include`s (its own
questions come first). A value of a list question may carry an `incident_category` that
replaces the service's category when the citizen picks it (drug dealing near a school is
`drug_sale_school`, which falls under a police guarantee).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from tryghed.servicedesk.models import Kind, Service, ServiceAttribute

DEFAULT_PATH = Path(__file__).with_name("services.json")

# The stable incident category codes (DESIGN.md); a typo here would silently put requests
# outside every statistic and guarantee, so the loader refuses unknown codes.
INCIDENT_CATEGORIES = frozenset(
    {
        "burglary_home",
        "burglary_holiday_home",
        "burglary_business",
        "burglary_institution",
        "theft_from_vehicle",
        "traffic_accident_fatal",
        "traffic_accident_serious",
        "traffic_accident_minor",
        "drug_sale",
        "drug_sale_school",
        "youth_nuisance",
        "moped_nuisance",
        "vandalism",
        "violence",
        "violence_close_relations",
        "gang_related",
        "it_crime",
        "fraud_elderly",
        "psychiatric_welfare",
        "other",
    }
)
LIST_TYPES = {ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

SERVICE_FIELDS = {
    "code": (str, 60, True),
    "kind": (str, 20, True),
    "name": (str, 200, True),
    "name_en": (str, 200, False),
    "description": (str, None, False),
    "description_en": (str, None, False),
    "group": (str, 100, False),
    "keywords": (str, 300, False),
    "incident_category": (str, 40, False),
    "to_police": (bool, None, True),
    "to_municipality": (bool, None, True),
    "active": (bool, None, False),
}
ATTRIBUTE_FIELDS = {
    "code": (str, 60, True),
    "datatype": (str, 20, True),
    "required": (bool, None, False),
    "description": (str, 300, True),
    "description_en": (str, 300, False),
}
VALUE_FIELDS = {
    "key": (str, 100, True),
    "name": (str, 200, True),
    "name_en": (str, 200, False),
    "incident_category": (str, 40, False),
}


class ConfigError(ValueError):
    """The file is not a valid service configuration; the message says where and why."""


@dataclass
class LoadSummary:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    # Services in the database that the file does not mention: left as they are, since they
    # may have been added in the admin, and requests keep pointing at them.
    not_in_file: list = field(default_factory=list)
    attributes: int = 0


def _check_fields(where, data, spec, nested=()):
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected an object, got {type(data).__name__}.")
    extra = set(data) - set(spec) - set(nested)
    if extra:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(extra))}.")
    for name, (kind, max_length, required) in spec.items():
        if name not in data:
            if required:
                raise ConfigError(f"{where}: the field {name!r} is missing.")
            continue
        value = data[name]
        if not isinstance(value, kind):
            raise ConfigError(f"{where}: {name!r} must be a {kind.__name__}.")
        if kind is str and required and not value.strip():
            raise ConfigError(f"{where}: {name!r} must not be empty.")
        if max_length and len(value) > max_length:
            raise ConfigError(f"{where}: {name!r} is longer than {max_length} characters.")


def _check_category(where, code):
    if code and code not in INCIDENT_CATEGORIES:
        raise ConfigError(f"{where}: unknown incident category {code!r}.")


def _attribute(where, data):
    _check_fields(where, data, ATTRIBUTE_FIELDS, nested=["values"])
    if not SLUG.match(data["code"]):
        raise ConfigError(f"{where}: the code {data['code']!r} must be lower-case a-z, 0-9, -.")
    if data["datatype"] not in ServiceAttribute.Datatype.values:
        raise ConfigError(f"{where}: unknown datatype {data['datatype']!r}.")
    values = data.get("values", [])
    if data["datatype"] in LIST_TYPES:
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{where}: a {data['datatype']} needs a list of values.")
        keys = set()
        for j, value in enumerate(values):
            value_where = f"{where}.values[{j}]"
            _check_fields(value_where, value, VALUE_FIELDS)
            _check_category(value_where, value.get("incident_category", ""))
            if value["key"] in keys:
                raise ConfigError(f"{value_where}: the key {value['key']!r} is used twice.")
            keys.add(value["key"])
    elif values:
        raise ConfigError(f"{where}: only list datatypes take values.")
    return {
        "code": data["code"],
        "datatype": data["datatype"],
        "required": data.get("required", False),
        "description": data["description"],
        "description_en": data.get("description_en", ""),
        "values": values,
    }


def parse(text):
    """The services of a configuration text, validated and with their sets expanded."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}.") from exc
    if not isinstance(config, dict) or not isinstance(config.get("services"), list):
        raise ConfigError("The file must be an object with a list of 'services'.")
    sets = {}
    for name, attributes in (config.get("attribute_sets") or {}).items():
        if not isinstance(attributes, list):
            raise ConfigError(f"attribute_sets.{name}: expected a list of attributes.")
        sets[name] = [
            _attribute(f"attribute_sets.{name}[{i}]", a) for i, a in enumerate(attributes)
        ]

    services, codes = [], set()
    for i, data in enumerate(config["services"]):
        where = f"services[{i}]"
        _check_fields(where, data, SERVICE_FIELDS, nested=["attributes", "include"])
        where = f"services[{i}] ({data['code']})"
        if not SLUG.match(data["code"]):
            raise ConfigError(f"{where}: the code must be lower-case a-z, 0-9, -.")
        if data["code"] in codes:
            raise ConfigError(f"{where}: the code is used twice.")
        codes.add(data["code"])
        if data["kind"] not in Kind.values:
            raise ConfigError(f"{where}: unknown kind {data['kind']!r}.")
        if not (data["to_police"] or data["to_municipality"]):
            raise ConfigError(f"{where}: nobody receives it; set to_police or to_municipality.")
        _check_category(where, data.get("incident_category", ""))
        own = data.get("attributes", [])
        included = data.get("include", [])
        if not isinstance(own, list) or not isinstance(included, list):
            raise ConfigError(f"{where}: 'attributes' and 'include' must be lists.")
        attributes = [_attribute(f"{where}.attributes[{j}]", a) for j, a in enumerate(own)]
        for name in included:
            if name not in sets:
                raise ConfigError(f"{where}: includes the unknown attribute set {name!r}.")
            attributes.extend(sets[name])
        seen = set()
        for attribute in attributes:
            if attribute["code"] in seen:
                raise ConfigError(f"{where}: the question {attribute['code']!r} appears twice.")
            seen.add(attribute["code"])
        services.append(
            {
                "fields": {
                    "kind": data["kind"],
                    "name": data["name"],
                    "name_en": data.get("name_en", ""),
                    "description": data.get("description", ""),
                    "description_en": data.get("description_en", ""),
                    "group": data.get("group", ""),
                    "keywords": data.get("keywords", ""),
                    "to_police": data["to_police"],
                    "to_municipality": data["to_municipality"],
                    "incident_category": data.get("incident_category", ""),
                    "active": data.get("active", True),
                    "order": i,
                },
                "code": data["code"],
                "attributes": attributes,
            }
        )
    return services


def _differs(obj, values):
    return any(getattr(obj, name) != value for name, value in values.items())


@transaction.atomic
def load(path=DEFAULT_PATH):
    """Make the services in the database match the file; safe to re-run.

    All or nothing: a bad file raises ConfigError and changes nothing.
    """
    services = parse(Path(path).read_text("utf-8"))
    summary = LoadSummary()
    for entry in services:
        service = Service.objects.filter(code=entry["code"]).first()
        changed = False
        if service is None:
            service = Service.objects.create(code=entry["code"], **entry["fields"])
            summary.created.append(service.code)
        elif _differs(service, entry["fields"]):
            for name, value in entry["fields"].items():
                setattr(service, name, value)
            service.save()
            changed = True

        existing = {a.code: a for a in service.attributes.all()}
        for order, data in enumerate(entry["attributes"]):
            values = {**data, "order": order}
            attribute = existing.pop(data["code"], None)
            if attribute is None:
                ServiceAttribute.objects.create(service=service, **values)
                changed = True
            elif _differs(attribute, values):
                for name, value in values.items():
                    setattr(attribute, name, value)
                attribute.save()
                changed = True
        # The file is the whole truth about a configured service's questions; answers
        # already given stay in each request's details.
        if existing:
            ServiceAttribute.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
            changed = True
        summary.attributes += len(entry["attributes"])

        if service.code not in summary.created:
            (summary.updated if changed else summary.unchanged).append(service.code)

    codes = {entry["code"] for entry in services}
    summary.not_in_file = sorted(
        Service.objects.exclude(code__in=codes).values_list("code", flat=True)
    )
    return summary


def category_for(service, details):
    """The incident category of a request: the service's, unless an answer replaces it."""
    for attribute in service.attributes.all():
        if attribute.datatype != ServiceAttribute.Datatype.SINGLEVALUELIST:
            continue
        answer = details.get(attribute.code)
        for value in attribute.values:
            if value.get("key") == answer and value.get("incident_category"):
                return value["incident_category"]
    return service.incident_category
