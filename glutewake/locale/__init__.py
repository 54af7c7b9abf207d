"""Translations: the template glutewake.pot, each language's LANG/LC_MESSAGES/glutewake.po, and
the tools that keep them in step (catalogs.py, hook.py). README.md says how to add a language."""
