"""The words a person reads, rendered in the language in force (glutewake.i18n).

The core decides what happens and hands over typed values (effects, the status view, events,
exercises) and, for its own messages, `Text` values; the modules here turn them into sentences:
`phrases` (status, reminders, answers, journal details), `times` (durations, weekdays, months and
dates) and `moves` (an exercise's name, dose and lesson). They import the core and glutewake.i18n,
never the app, the store or the desktop adapters.
"""
