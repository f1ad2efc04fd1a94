"""``euare-sandbox``: a local IAM-compatible endpoint for trying euare and testing scripts.

It runs moto's server on 127.0.0.1, creates an administrator with an access key, writes an
``iamrc`` and a ``eucarc`` into the directory you name, and runs until interrupted, or, given a
command after ``--``, runs that command with the eucarc's settings and stops when it ends.
With ``--load SNAPSHOT`` it starts with a snapshot's IAM state (euare.sandbox.load).
Nothing here talks to AWS.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from euare import __version__
from euare.cli.infile import InputFile
from euare.cli.options import CONTEXT
from euare.core.errors import EuareError, report
from euare.core.files import write_private
from euare.sandbox.model.unsupported import FAMILIES
from euare.sandbox.server import Server, bootstrap, enforce_auth


def write_config(directory: Path, url: str, key: str, secret: str) -> dict[str, str]:
    """Write DIR/iamrc and DIR/eucarc (both 0600); return the eucarc's variables.

    The eucarc is shell code that users source, so every value in it is quoted for POSIX sh
    (DIR may be called ``d $(touch X)``, or hold a space or a quote), and the comment naming the
    file stays one line whatever DIR holds. The iamrc is euca2ools' KEY=value data."""
    directory.mkdir(parents=True, exist_ok=True)
    iamrc = directory.resolve() / "iamrc"
    write_private(iamrc, f"AWSAccessKeyId={key}\nAWSSecretKey={secret}\n")
    variables = {
        "EUARE_URL": url,
        "TOKEN_URL": url,
        "AWS_CREDENTIAL_FILE": str(iamrc),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    lines = [
        "# euare sandbox: a local IAM endpoint (moto). Use with: source "
        + source_word(directory / "eucarc")
    ]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in variables.items()]
    write_private(directory / "eucarc", "\n".join(lines) + "\n")
    return variables


def source_word(path: Path) -> str:
    """``path`` (made absolute) as one shell word, on one line: for the ``source`` line the
    sandbox prints and the eucarc's comment."""
    from euare.verbs.sts import comment_word

    return comment_word(str(path.resolve()))


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


NOT_MODELLED = "; ".join(FAMILIES)
HELP = f"""Run a local IAM endpoint and write DIRECTORY/iamrc and DIRECTORY/eucarc for it.

With a COMMAND (after --), run it with the eucarc's settings in its environment, then stop
and exit with its status. Without one, run until interrupted.

With --load, the account holds the snapshot's entities and no administrator user: the
credentials handed out are not checked. With --load and --enforce-auth they must be, so an
administrator user is made under the path /euare-sandbox/, and stderr says so.

The endpoint is moto behind euare's model of IAM, which answers as IAM does where moto does
not (docs/sandbox.md lists each rule): DeleteConflict for an entity still holding something,
pages of 100 with a Marker, users' permission boundaries, tags on every kind,
service-specific credentials, ChangePassword, the policy simulator, and with --enforce-auth
IAM's policy evaluation (paths kept in ARNs; AssumeRole by trust and own policies). Not
modelled, and answered as IAM answers an action it does not have (InvalidAction):
{NOT_MODELLED}.
"""


@click.command("euare-sandbox", context_settings=CONTEXT, help=HELP)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="port on 127.0.0.1 to listen on (0: any free port)",
)
@click.option(
    "--enforce-auth",
    is_flag=True,
    help="check signatures and IAM policies after the administrator is created",
)
@click.option(
    "--load",
    metavar="SNAPSHOT",
    type=InputFile("snapshot"),
    help="start with the IAM state in SNAPSHOT (from euare-accountsnapshot; - reads standard "
    "input) recreated in its account; what cannot be is listed on stderr (docs/snapshot.md)",
)
@click.version_option(__version__, "--version", message="euare %(version)s")
def sandbox(
    directory: Path, command: tuple[str, ...], port: int, enforce_auth: bool, load: str | None
) -> int:
    """Run a local IAM endpoint and write DIRECTORY/iamrc and DIRECTORY/eucarc (HELP)."""
    if str(directory) == "-":  # as every output option refuses - (docs/output.md)
        raise click.BadParameter("- is standard output, not a directory", param_hint="DIRECTORY")
    environment = dict(os.environ)  # COMMAND's: without what moto is told about a snapshot
    plan = None
    if load is not None:
        from euare.sandbox.moto import prepare, serving

        plan = prepare(load, sys.stdin)
    with serving(plan) if plan else contextlib.nullcontext():
        return _serve(directory, command, port, enforce_auth, plan, environment)


def _serve(
    directory: Path,
    command: tuple[str, ...],
    port: int,
    auth: bool,
    plan: Any,
    environment: dict[str, str],
) -> int:
    server = Server(port)
    url = server.url
    try:
        if plan is None:
            key, secret = bootstrap(url)
        else:
            from euare.sandbox.load import run

            key, secret = run(
                plan, url, auth, lambda line: click.echo(f"euare-sandbox: {line}", err=True)
            )
        if auth:
            enforce_auth(url)
        variables = write_config(directory, url, key, secret)
        if command:
            try:
                return subprocess.call(list(command), env={**environment, **variables})
            except OSError as exc:
                raise EuareError(f"cannot run {command[0]}: {exc.strerror}") from None
        click.echo(f"source {source_word(directory / 'eucarc')}")
        click.echo(f"# IAM endpoint {url} is running; press Ctrl-C to stop it", err=True)
        signal.signal(signal.SIGTERM, _stop)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
        return 0
    finally:
        server.stop()


def main() -> int:
    try:
        result = sandbox.main(sys.argv[1:], prog_name="euare-sandbox", standalone_mode=False)
        return int(result or 0)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        exc.show()
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return report("euare-sandbox", exc, sys.stderr)
