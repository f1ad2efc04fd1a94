#!/usr/bin/env bash
# Getting started with euare: the classic IAM primer, step by step.
#
# It expects the environment a `source DIR/eucarc` gives: EUARE_URL naming the endpoint and
# AWS_CREDENTIAL_FILE naming an administrator's credentials. `make demo` runs it against a local
# sandbox (euare-sandbox --enforce-auth), so nothing here touches AWS.
#
# Every step must succeed; the script stops at the first one that does not.
set -euo pipefail
umask 077   # the .iamrc files written below hold secrets

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
admin_credentials=${AWS_CREDENTIAL_FILE:?source a eucarc first (it sets AWS_CREDENTIAL_FILE)}

step() { printf '\n### %s\n' "$*"; }

# One word as a shell would need it typed: bare if it is plain, else in single quotes.
quoted() {
    if [[ $1 =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

# Echo a command (each word quoted, so the line can be pasted back as it is), then run it.
show() {
    local line='$' word
    for word in "$@"; do line+=" $(quoted "$word")"; done
    printf '%s\n' "$line" >&2
    "$@"
}

step "0. Take a snapshot of the account as it is, to compare with at the end"
show euare-accountsnapshot -o "$work/before.json"

step "1. Create an administrators group and give it a policy that allows everything"
show euare-groupcreate -g administrators
show euare-groupaddpolicy -g administrators -p administrators-all -e Allow -a '*' -r '*' -o

step "2. Create alice in that group, with an access key written as her own .iamrc"
show euare-usercreate -u alice -g administrators -w > "$work/alice.iamrc"
echo "(alice's key is in $work/alice.iamrc; the secret is not shown)"

step "3. From now on, work as alice rather than with the account's own key"
export AWS_CREDENTIAL_FILE="$work/alice.iamrc"
show euare-usergetattributes

step "4. Create a group whose members may only snapshot EBS volumes (--lint checks the actions first)"
show euare-groupcreate -g ebs-backup
show euare-groupaddpolicy -g ebs-backup -p ebs-snapshots -e Allow --lint \
    -a ec2:CreateSnapshot -a ec2:DescribeVolumes -a ec2:DescribeSnapshots -r '*'

step "5. Create a user for a backup script, in that group, with its own key"
show euare-usercreate -u backup-script -g ebs-backup -w > "$work/backup.iamrc"
show euare-grouplistusers -g ebs-backup

step "6. The script's key cannot manage IAM: its policy only allows snapshots"
if AWS_CREDENTIAL_FILE="$work/backup.iamrc" euare-userlistbypath; then
    echo "(this endpoint does not check policies, so the call was allowed)"
else
    echo "(denied, as it should be)"
fi

step "7. Give alice a console password (read from standard input, so it stays out of ps)"
printf '%s\n' 'Primer-Passw0rd!' | show euare-useraddloginprofile -u alice
show euare-usergetloginprofile -u alice --verbose
printf '%s\n' 'Changed-Passw0rd!' | show euare-usermodloginprofile -u alice
show euare-userdelloginprofile -u alice

step "8. Give the account an alias"
show euare-accountaliascreate -a primer-example
show euare-accountaliaslist

step "9. Look around"
show euare-userlistbypath
show euare-grouplistbypath
show euare-userlistkeys -u alice

step "10. What changed since step 0 (exit status 1: they differ, as with diff)"
status=0
show euare-accountdiff --live "$work/before.json" || status=$?
[ "$status" -eq 1 ]

step "11. Delete the backup user and its group, with everything attached to them"
show euare-userdel -u backup-script -p
show euare-userdel -u backup-script -r
show euare-groupdel -g ebs-backup -r
show euare-accountaliasdelete -a primer-example

step "12. Back to the account's own key: put the account back as it was in step 0, from that snapshot"
export AWS_CREDENTIAL_FILE="$admin_credentials"
# The plan first: a shell script of euare commands (exit status 1: there is something to do).
status=0
show euare-accountapply --dry-run --prune "$work/before.json" || status=$?
[ "$status" -eq 1 ]
# --prune deletes what the snapshot lacks (alice, with her key, as userdel -r would; the
# administrators group); --yes because this script asks no questions.
show euare-accountapply --prune --yes "$work/before.json"
show euare-userlistbypath

step "13. Nothing is left behind: the account is as it was in step 0 (accountdiff exits 0)"
show euare-accountdiff --live "$work/before.json"

printf '\nAll steps succeeded.\n'
