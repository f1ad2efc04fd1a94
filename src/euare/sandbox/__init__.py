"""euare-sandbox: a local IAM endpoint (moto behind euare's IAM model) to rehearse on. Imports
euare.cli and below."""
