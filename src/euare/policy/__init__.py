"""Policy documents checked locally: parsing and IAM's own rules, lint findings and the catalogue
of AWS actions behind them. Imports only euare.core."""
