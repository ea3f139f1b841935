"""The site's own date formats (FORMAT_MODULE_PATH).

Each language module sets only the names it changes; Django takes every other format
(numbers, short dates, input formats) from its own locale, as before.
"""
