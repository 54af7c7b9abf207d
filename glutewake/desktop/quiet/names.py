"""The name of a detector whose module loads only once its setting turns it on: the list of
detectors needs it before that."""

from ...i18n import N_

# TRANSLATORS: a detector's name in `glutewake status`; "[quiet] calendars" is the setting
CALENDARS = N_("calendars from [quiet] calendars")
