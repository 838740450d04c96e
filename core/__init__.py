"""The shared kernel every app stands on: money, refusals, fields, uploads and private files,
fiat currencies, admin helpers. It imports no app of the project."""
