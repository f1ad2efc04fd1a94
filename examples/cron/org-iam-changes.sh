#!/bin/sh
# Mail me when IAM changed in any account of the organization: take a snapshot of every account
# (euare-accountsnapshot --org), compare each with the one the previous run took, and mail what
# was added, removed and changed, each line starting with its account ID. An account that
# joined the organization since is mailed the same way, everything in it added, and one that
# left it with everything in it removed. Nothing is mailed when nothing changed, nor on the
# first run (there is nothing to compare with yet).
#
# crontab line (every day at 06:30), in the account allowed organizations:ListAccounts and
# sts:AssumeRole of the reading role in every account (docs/organizations.md):
#   30 6 * * *  $HOME/bin/org-iam-changes.sh
#
# An account that cannot be entered or read is mailed in a separate message whose subject
# says FAILED, with euare's line naming it, and the script exits 1; its last good snapshot
# stays in place (euare-accountsnapshot --org keeps it), so the next run compares with it and
# misses nothing. Exit 2 when no account could be read at all, or the mail could not be sent.
set -u
umask 077
PATH="$HOME/.local/bin:/usr/local/bin:$PATH"
STATE="${IAM_ORG_DIR:-$HOME/.local/state/iam-org}"  # the snapshots are kept here
TO="${IAM_CHANGES_TO:-${LOGNAME:-root}}"            # who gets the mail
ROLE="${IAM_ORG_ROLE:-OrganizationAccountAccessRole}"  # the role euare assumes in each account

now="$STATE/org"        # this run's snapshots (and, for a failed account, its last good one)
last="$STATE/org.last"  # the previous run's
report="$STATE/report.txt"
errors="$STATE/errors.txt"

mail_failures() {  # $1: what failed; the command's own error lines are in $errors
    {
        printf 'org-iam-changes.sh on %s: %s\n' "$(uname -n)" "$1"
        cat "$errors"
    } | mail -s "IAM organization watch FAILED: $1" "$TO"
}

mkdir -p "$STATE" || exit 2
: >"$errors"
first=yes
if [ -d "$now" ]; then
    first=no
    rm -rf "$last" && cp -pR "$now" "$last" || exit 2
fi

euare-accountsnapshot --org --org-role "$ROLE" -o "$now" 2>>"$errors"
taken=$?
if [ "$taken" -ge 2 ]; then
    cat "$errors" >&2
    mail_failures "no account could be read"
    exit 2
fi
if [ "$first" = no ]; then
    # 0: the same everywhere, 1: some account differs (or failed), 2: nothing could be compared
    euare-accountdiff --org "$last" "$now" >"$report" 2>>"$errors"
    if [ -s "$report" ]; then
        if ! mail -s "IAM changed in the organization on $(date +%F)" "$TO" <"$report"; then
            # not told: put the previous snapshots back, so the next run mails these again
            rm -rf "$now" && mv "$last" "$now"
            exit 2
        fi
    fi
fi
if grep -q '^euare-[a-z]*: error' "$errors"; then
    cat "$errors" >&2
    mail_failures "some accounts could not be read"
    exit 1
fi
cat "$errors" >&2  # warnings, if any: cron mails them to the crontab's owner
exit 0
