"""The verb families, one module each, independent of one another: each declares its verbs with
euare.cli.verb's factories. The verb table (euare.cli.verb.table) names them."""
