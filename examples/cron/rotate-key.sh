#!/bin/sh
# Rotate this account's access key once it is more than 90 days old.
#
# crontab line (every day at 03:17; cron mails whatever this prints):
#   17 3 * * *  $HOME/bin/rotate-key.sh
#
# euare-userrotatekey creates the new key, writes it to the credential file atomically (owner
# and mode kept, the old file kept as FILE.previous), checks that the new key works, and only then
# deactivates the old key. If anything fails before that, the old file and key are left as they
# were and it exits non-zero with one line on stderr. On a day when the key is young enough it
# does nothing. A second run on the same file (a manual one, say) waits for this one to finish
# (up to --lock-wait seconds, default 60), then finds the key young and does nothing.
set -eu

# cron's environment is bare: name the files euare reads (or `. "$HOME/.eucarc"` if you keep
# the endpoint there; euare reads ~/.eucarc by itself as well).
AWS_CREDENTIAL_FILE="${AWS_CREDENTIAL_FILE:-$HOME/.iamrc}"
export AWS_CREDENTIAL_FILE
PATH="$HOME/.local/bin:/usr/local/bin:$PATH"

# --delete-inactive: the key deactivated by the previous rotation (90 days ago) is deleted now,
# which frees the slot for the new key. On the day it rotates it prints the new key's ID;
# otherwise nothing unless it fails or -v is given.
exec euare-userrotatekey --max-age 90 --delete-inactive --wait 60
