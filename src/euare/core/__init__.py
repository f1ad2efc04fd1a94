"""The bottom layer: the error type and outcomes, redaction of secrets, settings (credentials,
endpoint, region), reading and writing files, rendering records, the process's streams. Imports
nothing of euare's but itself."""
