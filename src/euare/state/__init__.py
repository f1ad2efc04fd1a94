"""The account as a whole: snapshots, their differences. Imports euare.ops and below."""
