"""How a verb describes itself: its own options apart from the global ones, and examples.

``--help`` and the man pages (euare.manual.pages) are both read from here: a verb's click command is
a :class:`VerbCommand`, its global options are :class:`GlobalOption` instances, and
:func:`examples` gives the command lines shown under "Examples" (the verb's own, declared with
it, or else one made from its required arguments and options).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

# Words spelt with a vowel that begin with a consonant sound ("a user", "a unique ID", "a
# eucarc", "a one-line policy"), and letters whose name begins with a vowel sound ("an MFA
# device", "an SSH key", "an X.509 certificate"), unless the acronym is said as a word ("a SAML
# provider", "a FIFO", "a SHA-256 digest").
_CONSONANT_SOUND = ("us", "uni", "uri", "url", "utf", "uti", "eu", "one", "once")
_VOWEL_LETTERS = "AEFHILMNORSX"
_SAID_AS_WORDS = ("SAML", "FIFO", "SHA")


def takes_an(word: str) -> bool:
    """Whether ``word`` takes "an" rather than "a", by the sound it begins with."""
    bare = word.lstrip("\"'(`")
    head = bare.split("-")[0].rstrip(".,;:)'\"`")
    if len(head) >= 2 and (head[:2].isupper() or (head[0].isupper() and head[1] in ".0123456789")):
        return head[0] in _VOWEL_LETTERS and not head.startswith(_SAID_AS_WORDS)
    lower = bare.lower()
    if lower.startswith(("hour", "honest", "honour")):
        return True
    return lower[:1] in ("a", "e", "i", "o", "u") and not lower.startswith(_CONSONANT_SOUND)


def a(noun: str) -> str:
    """``noun`` with its indefinite article: "a user", "an instance profile", "an OpenID
    Connect provider", "an MFA device"."""
    return f"{'an' if takes_an(noun) else 'a'} {noun}"


# What an example fills a required argument or option with, by its metavar.
SAMPLES = {
    "USER": "alice",
    "GROUP": "admins",
    "ROLE": "web-server",
    "IPROFILE": "web-server",
    "POLICY": "s3-read",
    "POLICY_NAME": "s3-read",
    "ALIAS": "example-corp",
    "KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "CERT_ID": "TA7SMP42TDN5Z26OBPJE7EXAMPLE",
    "CERT": "TA7SMP42TDN5Z26OBPJE7EXAMPLE",
    "SERIAL": "arn:aws:iam::123456789012:mfa/alice",
    "MFA": "arn:aws:iam::123456789012:mfa/alice",
    "CODE": "123456",
    "CERTNAME": "www-example-com",
    "OIDC": "arn:aws:iam::123456789012:oidc-provider/token.example.com",
    "URL": "https://token.example.com",
    "CLIENT": "my-app",
    "HEX": "9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
    "VERSION": "v2",
    "FILE": "policy.json",
    "PEM": '"$(cat cert.pem)"',
    "JSON": '\'{"Version": "2012-10-17", "Statement": []}\'',
    "NAME": "example",
    "SERVICE": "ec2.amazonaws.com",
    "DAYS": "90",
    "SECONDS": "3600",
    "PATH": "/ops/",
    "PREFIX": "/ops/",
    "ACTION": "s3:GetObject",
    "RESOURCE": "'*'",
    "PASSWORD": "'correct horse battery staple'",
    "DOMAIN": "example.com",
    "EFFECT": "Allow",
    "STATUS": "Inactive",
}


# Where the metavar says too little: by the IAM parameter, or the option's own name.
SAMPLES_BY_NAME = {
    "ServerCertificateName": "www-example-com",
    "certificate_file": "cert.pem",
    "private_key_file": "key.pem",
    "certificate_chain_file": "chain.pem",
}


class GlobalOption(click.Option):
    """An option every verb of a service has (endpoint, credentials, output): shown apart."""


class VerbCommand(click.Command):
    """A verb: its own options first, then "Global options", then "Examples"."""

    def __init__(
        self,
        *args: Any,
        examples: Iterable[str] = (),
        one_of: Iterable[tuple[str, ...]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.examples = tuple(examples)
        self.one_of = tuple(one_of)  # groups of options of which exactly one must be given

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for title, params in (
            ("Options", own_params(self)),
            ("Global options", global_params(self)),
        ):
            rows = [row for p in params if (row := p.get_help_record(ctx)) is not None]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        lines = examples(self)
        if lines:
            formatter.write_paragraph()
            formatter.write_text("\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines))


def own_params(cmd: click.Command, ctx: click.Context | None = None) -> list[click.Parameter]:
    """The verb's own options, not its arguments, which the help describes under "Arguments"
    (help and version last, as click puts them). Without ``ctx``, a
    context with the command's own settings: click keeps the help option it makes for the
    first context that asks, so one made without ``-h`` would leave the command without it."""
    ctx = ctx if ctx is not None else click.Context(cmd, **cmd.context_settings)
    return [
        p
        for p in cmd.get_params(ctx)
        if isinstance(p, click.Option) and not isinstance(p, GlobalOption)
    ]


def global_params(cmd: click.Command) -> list[click.Parameter]:
    return [p for p in cmd.params if isinstance(p, GlobalOption)]


def examples(cmd: click.Command) -> list[str]:
    """The command lines shown under "Examples": the verb's declared ones, else one that gives
    each required argument and option a sample value (and, of options one of which must be
    given, a file if one takes a file, else the first)."""
    declared = getattr(cmd, "examples", ())
    if declared:
        return [f"{cmd.name} {line}".rstrip() for line in declared]
    chosen = set()
    for group in getattr(cmd, "one_of", ()):
        members = [p for p in cmd.params if p.name in group]
        files = [p for p in members if p.metavar == "FILE"]
        chosen.add((files or members)[0].name)
    words = [str(cmd.name)]
    for param in cmd.params:
        if not (param.required or param.name in chosen) or isinstance(param, GlobalOption):
            continue
        value = _sample(param)
        if isinstance(param, click.Option):
            words += [min(param.opts, key=len), value]
        else:
            words.append(value)
    return [" ".join(words)]


def _sample(param: click.Parameter) -> str:
    for key in (getattr(param, "api", None), param.name):
        if key in SAMPLES_BY_NAME:
            return SAMPLES_BY_NAME[str(key)]
    name = (param.metavar or param.name or "").upper().strip("[]").rstrip(".")
    return SAMPLES.get(name, name.lower())
