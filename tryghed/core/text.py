from django.utils.text import slugify

# slugify() drops æ, ø and å; written without them, Danish spells them ae, oe and aa
# ("Køge" is "koege", not "kge"), as politi.dk's own addresses do.
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slug(text, max_length=None):
    """`text` as a name in web addresses and file names: a-z, 0-9 and "-"; cut to
    `max_length` without a dangling "-"."""
    slug = slugify(text.translate(_DANISH))
    if max_length is not None:
        slug = slug[:max_length].rstrip("-")
    return slug
