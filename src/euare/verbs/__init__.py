"""The verb families, one module each, independent of one another (an import-linter contract):
each declares its verbs with euare.cli.verb's factories, and euare.cli.table names them. What
several families share is a shared parameter (euare.cli.params), an operation (euare.ops) or a
verb factory of its own module here (inline: a kind's inline-policy verbs)."""
