"""Policy documents checked locally: parsing and IAM's own rules, lint findings and the catalogue
of AWS actions behind them. Imports only euare.core."""

LINT_LEVELS = ("info", "warning", "error")  # the levels of lint findings, lowest first
