"""Shell completion for ``euare`` and every ``euare-VERB``: the scripts for bash, zsh and fish
(:func:`script`), the answers they ask euare for (:func:`respond`), and the names of the
account's users, groups, roles, instance profiles and managed policies (:func:`names`).

The protocol: a script runs ``euare`` with ``_EUARE_COMPLETE=SHELL_complete`` and ``COMP_LINE``
holding the command being completed up to the cursor, whose first word is ``euare`` or
``euare-VERB`` (``euare-VERB ARGS`` is completed as ``euare VERB ARGS``). euare answers one
candidate per line: ``KIND,VALUE`` for bash, ``KIND``, ``VALUE`` and ``HELP`` on three lines for
zsh, ``KIND,VALUE<TAB>HELP`` for fish; KIND is plain, file or dir (the shell lists the files).
A TAB never prints an error: any failure answers nothing, nothing is written to stderr, and the
status is 0. Names are fetched with one short request (:data:`DEADLINE`), never prompting.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from typing import Any

import click
from click.shell_completion import CompletionItem, ShellComplete, split_arg_string

from euare.call.context import Call

SHELLS = ("bash", "zsh", "fish")
VARIABLE = "_EUARE_COMPLETE"
BASH_WORDBREAKS = "\"'><=;|&(:"  # bash's default COMP_WORDBREAKS


def programs() -> list[str]:
    """The command names the scripts complete: ``euare`` and ``euare-VERB`` for every verb."""
    from euare.cli.table import VERBS

    return ["euare", *(f"euare-{verb}" for verb in sorted(VERBS))]


# --- the scripts ---------------------------------------------------------------------------------

_BASH = """\
# Completion for euare and every euare-VERB (bash 4.1 or later), made by `euare completion bash`.
# Load it from ~/.bashrc: euare completion bash > ~/.euare-completion.bash, then add the line
#     . ~/.euare-completion.bash
_euare_complete() {
    local line
    local -a reply
    COMPREPLY=()
    mapfile -t reply < <(COMP_LINE="${COMP_LINE:0:COMP_POINT}" \\
        COMP_WORDBREAKS="$COMP_WORDBREAKS" _EUARE_COMPLETE=bash_complete euare 2>/dev/null)
    for line in "${reply[@]}"; do
        case ${line%%,*} in
            plain) COMPREPLY+=("${line#*,}") ;;
            file) compopt -o default 2>/dev/null ;;
            dir) compopt -o dirnames 2>/dev/null ;;
        esac
    done
    return 0
}
complete -o nosort -F _euare_complete @NAMES@ 2>/dev/null ||
    complete -F _euare_complete @NAMES@
"""

_ZSH = """\
#compdef @NAMES@
# Completion for euare and every euare-VERB (zsh), made by `euare completion zsh`. Save it as
# _euare in a directory of $fpath (then remove ~/.zcompdump and run compinit), or source it
# after compinit.
_euare_complete() {
    local -a reply values shown
    local kind value help
    reply=("${(@f)$(COMP_LINE="${(j: :)words[1,CURRENT-1]} $PREFIX" \\
        _EUARE_COMPLETE=zsh_complete euare 2>/dev/null)}")
    for kind value help in "${reply[@]}"; do
        case $kind in
            plain)
                values+=("$value")
                if [[ $help == _ ]]; then shown+=("$value"); else shown+=("$value  -- $help"); fi
                ;;
            file) _path_files -f ;;
            dir) _path_files -/ ;;
        esac
    done
    (( $#values )) && compadd -U -V euare -l -d shown -a values
    return 0
}
compdef _euare_complete @NAMES@
# autoloaded from $fpath by a TAB: answer that TAB too (compdef takes the later ones)
[[ $zsh_eval_context[-1] == loadautofunc ]] && _euare_complete "$@"
"""

_FISH = """\
# Completion for euare and every euare-VERB (fish 3 or later), made by `euare completion fish`.
# Save it as ~/.config/fish/conf.d/euare.fish (fish loads completions/NAME.fish by command
# name only, and this one file serves a hundred names).
function __euare_complete
    set -l words (commandline -xpc 2>/dev/null); or set words (commandline -opc)
    set -l current (commandline -ct)
    set -lx COMP_LINE (string join ' ' -- (string escape -- $words) "$current")
    set -lx _EUARE_COMPLETE fish_complete
    for item in (euare 2>/dev/null)
        set -l parts (string split -m 1 , -- $item)
        switch $parts[1]
            case plain
                printf '%s\\n' $parts[2]
            case file
                __fish_complete_path "$current"
            case dir
                __fish_complete_directories "$current"
        end
    end
end
@COMPLETES@
"""


def script(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh or fish), registering one function for
    ``euare`` and every ``euare-VERB``; ``euare completion SHELL`` prints it."""
    names = programs()
    if shell == "bash":
        return _BASH.replace("@NAMES@", " ".join(names))
    if shell == "zsh":
        return _ZSH.replace("@NAMES@", " ".join(names))
    if shell == "fish":
        lines = (f"complete -c {name} -f -a '(__euare_complete)'" for name in names)
        return _FISH.replace("@COMPLETES@", "\n".join(lines))
    raise ValueError(f"no completion for the shell {shell!r}: choose one of {', '.join(SHELLS)}")


# --- answering a script --------------------------------------------------------------------------


def respond(instruction: str, cli: click.Command | None = None) -> int:
    """Answer ``_EUARE_COMPLETE=instruction`` (``SHELL_complete``, or ``SHELL_source`` for the
    script) from the process's environment; ``cli`` completes ``euare`` (default: a group of
    every verb). Always 0 once the shell is known, with no candidates on any failure."""
    shell, _, action = instruction.partition("_")
    if shell not in SHELLS or action not in ("complete", "source"):
        return 1
    if action == "source":
        sys.stdout.write(script(shell))
        return 0
    lines: list[str] = []
    hidden = io.StringIO()  # whatever a callback or a library might say: never the shell's
    try:
        saved, sys.stderr = sys.stderr, hidden
        try:
            lines = candidates(shell, os.environ, cli)
        finally:
            sys.stderr = saved
    except Exception:
        lines = []
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    sys.stdout.flush()
    return 0


def candidates(shell: str, env: Mapping[str, str], cli: click.Command | None = None) -> list[str]:
    """The answer lines for ``env["COMP_LINE"]`` in ``shell``'s format."""
    words, incomplete = _typed(env)
    args = _as_euare(words)
    if args is None:
        return []
    call = Call("euare", env, io.StringIO(), io.StringIO(), io.StringIO())
    found = ShellComplete(cli or _verbs(), {"obj": call}, "euare", VARIABLE).get_completions(
        args, incomplete
    )
    # click answers a value typed as --opt=VALUE for VALUE alone; the shells replace the word
    head = incomplete.partition("=")[0] + "=" if _is_option_value(incomplete) else ""
    return [_format(shell, item, head, incomplete, env) for item in found]


def _typed(env: Mapping[str, str]) -> tuple[list[str], str]:
    """The finished words and the word being completed: from COMP_LINE, or from COMP_WORDS and
    COMP_CWORD (the words and the index of the current one), as click's own bash and zsh
    scripts send them (``_EUARE_COMPLETE=bash_source euare`` printed one before these)."""
    if "COMP_LINE" not in env and env.get("COMP_CWORD", "").isdigit():
        words, index = split_arg_string(env.get("COMP_WORDS", "")), int(env["COMP_CWORD"])
        return words[:index], words[index] if index < len(words) else ""
    line = env.get("COMP_LINE", "")
    words = split_arg_string(line)
    if line[-1:].isspace() and not (words and words[-1].endswith(line[-1])):
        return words, ""  # the cursor is after a finished word
    return words[:-1], words[-1] if words else ""


def _as_euare(words: list[str]) -> list[str] | None:
    """The arguments after ``euare`` for a command line ``euare ...`` or ``euare-VERB ...``."""
    from euare.cli.table import VERBS

    if not words:
        return None
    program = os.path.basename(words[0])
    if program == "euare":
        return words[1:]
    verb = program.removeprefix("euare-")
    return [verb, *words[1:]] if program != verb and verb in VERBS else None


def _is_option_value(word: str) -> bool:
    return word.startswith("-") and "=" in word


def _format(
    shell: str, item: CompletionItem[Any], head: str, typed: str, env: Mapping[str, str]
) -> str:
    value = str(item.value)
    if item.type == "plain" and not value.startswith("-"):
        value = head + value
    help = " ".join((item.help or "").split())
    if shell == "bash":
        # bash replaces only the text after the word's last COMP_WORDBREAKS character
        breaks = set(env.get("COMP_WORDBREAKS", BASH_WORDBREAKS)) - set("\"'")
        cut = max((i + 1 for i, ch in enumerate(typed) if ch in breaks), default=0)
        if item.type == "plain" and cut and value.startswith(typed[:cut]):
            value = value[cut:]
        return f"{item.type},{value}"
    if shell == "zsh":
        return f"{item.type}\n{value}\n{help or '_'}"
    return f"{item.type},{value}\t{help}" if help else f"{item.type},{value}"


def _verbs() -> click.Group:
    """``euare VERB``: a group of every verb, each command made only when it is asked for."""
    from euare.cli.table import VERBS
    from euare.cli.verb import command

    class Verbs(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted(VERBS)

        def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
            return command(name) if name in VERBS else None

    return Verbs("euare", help="The euare-* verbs as euare VERB.")


# --- names from the account ----------------------------------------------------------------------
