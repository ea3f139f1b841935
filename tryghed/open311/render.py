"""Open311 responses in JSON and XML, with the element names and error format of GeoReport v2.

The same data renders to both formats: a list becomes a container element whose items are
named as the spec names them (services/service, service_requests/request, ...), True and
False become "true" and "false", and None an empty element (null in JSON).
"""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "jurisdictions": "jurisdiction",
}
# Characters XML 1.0 cannot carry at all; citizens' text may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element, value):
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root, data):
    element = ElementTree.Element(root)
    _fill(element, data)
    body = ElementTree.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def respond(fmt, root, data, *, status=200):
    """`root` names the XML root element; JSON is the data itself."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(fmt, status, descriptions):
    """The spec's error list: one {code, description} per problem, code being the HTTP status."""
    if isinstance(descriptions, str):
        descriptions = [descriptions]
    data = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(fmt, "errors", data, status=status)
