#!/bin/sh
# List every user's access keys that are more than 90 days old, with when each was last used,
# in one euare process (users are asked about a few at a time; see euare-accountauditkeys).
#
# crontab line (Mondays at 07:00; cron mails the report, and nothing when all keys are young):
#   0 7 * * 1  $HOME/bin/audit-key-age.sh
#
# It needs iam:ListUsers, iam:ListAccessKeys and iam:GetAccessKeyLastUsed. A failure (say the
# endpoint is down) prints one line on stderr and the script exits non-zero.
set -eu
PATH="$HOME/.local/bin:/usr/local/bin:$PATH"
MAX_AGE_DAYS="${MAX_AGE_DAYS:-90}"

old=$(euare-accountauditkeys -v --max-age "$MAX_AGE_DAYS")
if [ -n "$old" ]; then
    printf 'Access keys older than %s days (user, key, status, created, last used, by):\n%s\n' \
        "$MAX_AGE_DAYS" "$old"
fi
