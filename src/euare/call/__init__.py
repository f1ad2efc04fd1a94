"""Making calls: clients, the call context, send-once, fan-out, ARNs. Imports euare.policy and
euare.core."""
