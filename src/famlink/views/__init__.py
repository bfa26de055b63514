"""Single views, read from the warehouse: one person, one family, and finding a person.

``person_view`` and ``family_view`` return plain dataclasses (the CLI prints them; the web
app will render them); ``find_persons`` searches persons by name and date of birth.
Sections built by the households stage are empty, with a hint, when it has not run.
"""
