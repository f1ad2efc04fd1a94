#!/bin/sh
# List every user's access keys that are more than 90 days old, with when each was last used.
#
# crontab line (Mondays at 07:00; cron mails the report, and nothing when all keys are young):
#   0 7 * * 1  $HOME/bin/audit-key-age.sh
#
# It needs iam:ListUsers, iam:ListAccessKeys and iam:GetAccessKeyLastUsed. A failure (say the
# endpoint is down) prints one line on stderr per failed call and the script exits non-zero.
set -eu
PATH="$HOME/.local/bin:/usr/local/bin:$PATH"
MAX_AGE_DAYS="${MAX_AGE_DAYS:-90}"

status=0
for arn in $(euare-userlistbypath); do
    user=${arn##*/}
    old=$(euare-userlistkeys -u "$user" -v --max-age "$MAX_AGE_DAYS") || { status=1; continue; }
    if [ -n "$old" ]; then
        printf '%s has keys older than %s days:\n%s\n\n' "$user" "$MAX_AGE_DAYS" "$old"
    fi
done
exit "$status"
