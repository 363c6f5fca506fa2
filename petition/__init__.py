"""The petition domain (信访): the rules both the kiosk and the office app follow.

Vocabularies, time limits and the case lifecycle, query codes, masking and
the checks of ID and phone numbers live here once. Nothing here knows a Flask
app or a database; the apps call it.
"""
