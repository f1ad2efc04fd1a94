#!/bin/sh
# Mail me when IAM changed: take a snapshot of the account's IAM state, compare it with the one
# the previous run took, and mail what was added, removed and changed (a unified diff for each
# changed policy document). Nothing is mailed when nothing changed, nor on the first run (there
# is nothing to compare with yet).
#
# crontab line (every day at 06:30):
#   30 6 * * *  $HOME/bin/iam-changes.sh
#
# It only reads: the calls euare-accountsnapshot makes (docs/snapshot.md), which the AWS
# managed policy IAMReadOnlyAccess allows. If the snapshot or the comparison fails, the error
# lines go to stderr (cron mails them to the crontab's owner) and in a mail to IAM_CHANGES_TO
# whose subject says FAILED; the script exits 2 and keeps the last good snapshot, so the next
# run compares with it and misses nothing.
set -u
umask 077
PATH="$HOME/.local/bin:/usr/local/bin:$PATH"
STATE="${IAM_CHANGES_DIR:-$HOME/.local/state/iam-changes}"  # the last snapshot is kept here
TO="${IAM_CHANGES_TO:-${LOGNAME:-root}}"                   # who gets the mail

last="$STATE/last.json"
today="$STATE/today.json"
report="$STATE/report.txt"
errors="$STATE/errors.txt"

failed() {  # $1: what failed; the command's own error lines are in $errors
    {
        printf 'iam-changes.sh on %s: %s\n' "$(uname -n)" "$1"
        cat "$errors" 2>/dev/null
    } >"$report.failed"
    cat "$report.failed" >&2
    mail -s "IAM change watch FAILED: $1" "$TO" <"$report.failed"
    exit 2
}

mkdir -p "$STATE" || exit 2
if ! euare-accountsnapshot -o "$today" 2>"$errors"; then
    failed "could not take the account's snapshot"
fi
if [ ! -f "$last" ]; then  # the first run: keep it for tomorrow
    mv -f "$today" "$last" || exit 2
    exit 0
fi

# 0: the same, 1: they differ, 2: an error (as diff). Warnings (both commands') end the mail.
euare-accountdiff "$last" "$today" >"$report" 2>>"$errors"
status=$?
case "$status" in
0)
    mv -f "$today" "$last" || exit 2
    ;;
1)
    if [ -s "$errors" ]; then
        printf '\nwarnings:\n' >>"$report"
        cat "$errors" >>"$report"
    fi
    # Kept as it was unless the mail went out: the next run then mails these changes again.
    mail -s "IAM changed on $(date +%F)" "$TO" <"$report" || failed "could not send the mail"
    mv -f "$last" "$STATE/previous.json" && mv -f "$today" "$last" || exit 2
    ;;
*)
    failed "could not compare the snapshots (euare-accountdiff exit $status)"
    ;;
esac
