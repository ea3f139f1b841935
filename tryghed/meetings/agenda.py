"""The agenda as a numbered tree (1, 1.1, 1.2, 2 …), and the minutes as they read."""

from dataclasses import dataclass, field


@dataclass
class Entry:
    item: object
    number: str
    depth: int
    children: list = field(default_factory=list)


def agenda_tree(items):
    """`items` (one meeting's agenda items) as numbered roots with their children."""
    by_parent = {}
    for item in sorted(items, key=lambda i: (i.order, i.pk)):
        by_parent.setdefault(item.parent_id, []).append(item)

    def build(parent_id, prefix, depth):
        entries = []
        for index, item in enumerate(by_parent.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            entry = Entry(item, number, depth)
            entry.children = build(item.pk, f"{number}.", depth + 1)
            entries.append(entry)
        return entries

    return build(None, "", 0)


def flatten(tree):
    for entry in tree:
        yield entry
        yield from flatten(entry.children)


def numbered(items):
    """(entry) in reading order, each with its number and depth."""
    return list(flatten(agenda_tree(items)))


def descendant_ids(item, items):
    children = {}
    for other in items:
        children.setdefault(other.parent_id, []).append(other.pk)
    found, stack = set(), list(children.get(item.pk, []))
    while stack:
        pk = stack.pop()
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def minutes_content(meeting):
    """The minutes as plain data, kept with each approved version."""
    items = list(meeting.agenda_items.prefetch_related("decisions"))
    return {
        "title": meeting.title,
        "items": [
            {
                "number": entry.number,
                "title": entry.item.title,
                "minutes": entry.item.minutes,
                "decisions": [decision.text for decision in entry.item.decisions.all()],
            }
            for entry in numbered(items)
        ],
        "attendance": [
            {"name": participant.name, "attendance": participant.attendance}
            for participant in meeting.participants.select_related("person")
        ],
    }
