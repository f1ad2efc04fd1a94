"""The verb machinery: the verb table, specs, parameters and their types, help, completion, running
a verb. Imports euare.state and below."""
