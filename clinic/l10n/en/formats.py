# English dates and times as patients read them, wherever they live: day first, the month in
# words, a 24-hour clock ("16 March 2026", "2 December 2026, 06:54"). Django's own "en" formats
# are American ("Dec. 2, 2026, 6:54 a.m."), which reads wrongly outside the United States.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
