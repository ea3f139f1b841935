# Django's English formats are American ("Nov. 12, 2026, 8 a.m."); the site gives dates in
# the same shape as in Danish, day first and on a 24-hour clock, without the Danish ordinal
# dot: "12 November 2026 08:00".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
MONTH_DAY_FORMAT = "j F"
