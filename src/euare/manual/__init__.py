"""The generated manual: man pages, the CLI reference, the console-script table. Imports anything
below it."""
