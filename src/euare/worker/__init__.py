"""The front of every call: the euare command, the hand-over to the warm worker and the worker
itself. Imports anything below it."""
