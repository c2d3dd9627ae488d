"""The solver's pure core: a problem of plain values in, a proposal or the reasons there is none out.

No ORM in here. It reuses the conflict checker's values and rules (scheduling.conflicts,
scheduling.availability) so that "hard" means what the checker reports; proposals.gather reads the database.
"""
