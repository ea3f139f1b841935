# The same values as Django's own Danish locale: kept here beside the English ones, so that the
# two languages read alike and a change in Django's locale does not move the Danish pages.
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y H:i"
MONTH_DAY_FORMAT = "j. F"
