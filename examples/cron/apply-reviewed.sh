#!/bin/sh
# Keep IAM as reviewed: every night, put the account back to the state kept in git (a snapshot
# file, or a tree written by euare-accountsnapshot --split), and mail the plan when there was
# anything to do. Nothing is mailed when the account already matched.
#
# crontab line (every night at 02:15):
#   15 2 * * *  IAM_DESIRED=$HOME/iam-state/prod $HOME/bin/apply-reviewed.sh
#
# IAM_DESIRED: the reviewed state (required). IAM_APPLY_TO: who gets the mail (default: you).
# IAM_APPLY_OPTIONS: more accountapply options, e.g. "--prune" to delete what the reviewed
# state lacks (AWS's and CloudFormation's own entities and what .euare-ignore names are never
# touched). The plan is made from one snapshot; then the same state is applied with --yes,
# which plans again (from a fresh snapshot) and applies that, so a change made in between is
# neither lost nor applied twice. If the dry run or the apply fails, the error lines go to
# stderr (cron mails them to the crontab's owner) and in a mail whose subject says FAILED; the
# script exits 1 (a step failed: the mail says which were done) or 2 (nothing was sent).
set -u
umask 077
PATH="$HOME/.local/bin:/usr/local/bin:$PATH"
DESIRED="${IAM_DESIRED:?set IAM_DESIRED to the reviewed snapshot (a file or a --split tree)}"
TO="${IAM_APPLY_TO:-${LOGNAME:-root}}"
STATE="${IAM_APPLY_DIR:-$HOME/.local/state/iam-apply}"
OPTIONS="${IAM_APPLY_OPTIONS:-}"

mkdir -p "$STATE" || exit 2
plan="$STATE/plan.sh"
errors="$STATE/errors.txt"

failed() {  # $1: what failed, $2: the exit status; the error lines are in $errors
    {
        printf 'apply-reviewed.sh on %s: %s\n' "$(uname -n)" "$1"
        cat "$errors" 2>/dev/null
    } >"$STATE/failed.txt"
    cat "$STATE/failed.txt" >&2
    mail -s "IAM apply FAILED: $1" "$TO" <"$STATE/failed.txt"
    exit "$2"
}

# 0: nothing to do, 1: a plan (printed), 2: an error (as euare-accountdiff).
# shellcheck disable=SC2086 # OPTIONS is a list of options
euare-accountapply --dry-run $OPTIONS "$DESIRED" >"$plan" 2>"$errors"
case $? in
0) exit 0 ;;
1) ;;
*) failed "could not plan $DESIRED" 2 ;;
esac
# shellcheck disable=SC2086
euare-accountapply --yes $OPTIONS "$DESIRED" >/dev/null 2>>"$errors"
status=$?
[ "$status" -eq 0 ] || failed "could not apply $DESIRED (exit $status)" "$status"
{
    printf 'IAM was put back to %s. The plan, as it was run:\n\n' "$DESIRED"
    cat "$plan"
    printf '\nWhat was done:\n'
    cat "$errors"
} | mail -s "IAM put back to the reviewed state on $(date +%F)" "$TO"
