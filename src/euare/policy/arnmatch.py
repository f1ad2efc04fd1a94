"""Whether a policy's Resource could name a resource of a type, for every Resource of a
document against every ARN template its actions take, in time linear in the document; and,
with the same machinery, which of a service's actions an action pattern covers.

A Resource (``arn:aws:s3:::logs-*/2024/*``) has wildcards, ``*`` (any text) and ``?`` (one
character), and policy variables (``${aws:username}``: any text; ``${*}``, ``${?}``, ``${$}``:
that character). An ARN template (``arn:${Partition}:s3:::${BucketName}``) has placeholders,
each any text without the characters its name forbids (:data:`EXCLUDED`), and may hold a
literal ``*`` (any text). The two *could match* when some ARN matches both; letters compare
ignoring case, so that only a difference of substance counts.

:class:`Automaton` compiles a set of templates once: every template's positions side by side
as the bits of one integer, with a mask per character. Matching a Resource reads it once,
carrying the set of template positions it could have reached in every template at once (a
bit-parallel simulation of the two patterns' product: no backtracking, no table per pair).
A template whose last element is a placeholder that takes anything matches as soon as that
placeholder is reached, and leaves the set; when the set is empty the reading stops. So one
Resource costs at most its length times the templates' total length over the machine word,
and how many automata are compiled depends on the templates alone, never on the number of
Resources.

:func:`matched` indexes the templates by the service an ARN names (its third field): a
Resource whose service is written out is read against that service's templates only, and
templates already matched by an earlier Resource are left out (recompiling only when that
halves the set, so compilations stay few).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

# A placeholder's forbidden characters: the ARN's own fields hold no colon; a bucket's name
# holds no "/" (S3's naming rules); any other name may hold anything (object keys, IAM paths).
EXCLUDED = {"Partition": ":", "Region": ":", "Account": ":", "BucketName": ":/"}

# A pattern's tokens: a literal character (lower case), or one of these (two characters, so
# never taken for one): "*" or a policy variable, and "?".
ANY, ONE = "*?", "??"


def resource_tokens(pattern: str) -> list[str]:
    """A policy's Resource as tokens. Runs of ANY are one."""
    tokens: list[str] = []
    text = pattern.lower()
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        end = text.find("}", index + 2) if text.startswith("${", index) else -1
        if end >= 0:
            inner = text[index + 2 : end]
            token = inner if inner in ("*", "?", "$") else ANY
            index = end + 1
        else:
            token = ANY if char == "*" else ONE if char == "?" else char
            index += 1
        if not (token == ANY and tokens and tokens[-1] == ANY):
            tokens.append(token)
    return tokens


def glob_tokens(pattern: str) -> list[str]:
    """An action pattern (``Describe*``, ``Get?bject``) as tokens. Runs of ANY are one."""
    tokens: list[str] = []
    for char in pattern.lower():
        token = ANY if char == "*" else ONE if char == "?" else char
        if not (token == ANY and tokens and tokens[-1] == ANY):
            tokens.append(token)
    return tokens


# A template compiled is first written one character a position: a placeholder (or a literal
# "*") as the character of its class, below, and each template followed by _END.
_END = "\n"
_CLASSES = {excluded: chr(1 + n) for n, excluded in enumerate(sorted({"", *EXCLUDED.values()}))}
_FREE = _CLASSES[""]
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}|\*")


def _encode(template: str) -> str:
    """``template`` a character a position (lower case), each placeholder as its class's."""
    return _PLACEHOLDER.sub(
        lambda m: _CLASSES[EXCLUDED.get(m.group(1), "")] if m.group(1) is not None else _FREE,
        template,
    ).lower()


def _close(reached: int, steps: int) -> int:
    """``reached`` and every position after one of them through an unbroken run of ``steps``
    (positions from which one may move to the next at no cost). Adding a run to a bit inside it
    carries past its end, clearing the run from that bit on: XOR with the run gives the bit to
    the run's end and the position after."""
    inside = reached & steps
    return reached | ((inside + steps) ^ steps)


@dataclass(frozen=True)
class Automaton:
    """A set of templates, compiled: bit ``k`` is a position in one of them (each template
    has a position before each of its elements and one after the last, its end)."""

    templates: frozenset[str]
    starts: int  # each template's first position
    ends: int  # each template's end
    gaps: int  # positions before a placeholder
    elements: int  # positions before any element (a placeholder or a character)
    characters: int  # positions before a literal character
    literal: dict[str, int]  # a character: the positions before that literal character
    gap_takes: dict[str, int]  # a forbidden character: the placeholders that take it
    sure: int  # positions before a last placeholder that takes anything
    owner: dict[int, str]  # the bit number of an end or of a sure position: its template
    first: dict[int, int]  # the bit number of a sure position: its template's first position
    longest: int  # the most positions of one template

    @staticmethod
    def compile(templates: Iterable[str]) -> Automaton:
        unique = frozenset(templates)
        encoded = {template: _encode(template) for template in unique}
        # Those that cannot match early first, in the low bits: once the others have matched
        # or failed, the numbers left are short (see run).
        ordered = sorted(unique, key=lambda t: (encoded[t].endswith(_FREE), t))
        text = "".join(encoded[template] + _END for template in ordered)
        backwards = text[::-1]  # bit k of a mask is character k of text
        alphabet = set(text)

        def mask(chars: Iterable[str]) -> int:
            table = {ord(c): "0" for c in alphabet} | {ord(c): "1" for c in chars}
            return int(backwards.translate(table) or "0", 2)

        full = (1 << len(text)) - 1
        ends = mask(_END)
        gaps = mask(_CLASSES.values())
        literal = {c: mask(c) for c in alphabet if c != _END and c not in _CLASSES.values()}
        forbidden = {c for excluded in _CLASSES for c in excluded}
        gap_takes = {
            c: mask(kind for excluded, kind in _CLASSES.items() if c not in excluded)
            for c in forbidden
        }
        owner: dict[int, str] = {}
        first: dict[int, int] = {}
        sure = position = longest = 0
        for template in ordered:
            start, end = position, position + len(encoded[template])
            owner[end] = template
            if encoded[template].endswith(_FREE):
                sure |= 1 << (end - 1)
                owner[end - 1] = template
                first[end - 1] = start
            longest = max(longest, end + 1 - start)
            position = end + 1
        return Automaton(
            unique,
            starts=((ends << 1) | 1) & full,
            ends=ends,
            gaps=gaps,
            elements=full ^ ends,
            characters=full ^ ends ^ gaps,
            literal=literal,
            gap_takes=gap_takes,
            sure=sure,
            owner=owner,
            first=first,
            longest=longest,
        )

    @staticmethod
    def _positions(bits: int) -> list[int]:
        """The numbers of the bits set in ``bits``, in one pass over its digits."""
        text = bin(bits)  # "0b...": bit k is text[-1 - k]
        last, found = len(text) - 1, []
        index = text.find("1", 2)
        while index >= 0:
            found.append(last - index)
            index = text.find("1", index + 1)
        return found

    def run(self, tokens: list[str]) -> set[str]:
        """The templates that the pattern ``tokens`` (:func:`resource_tokens`) could match."""
        gaps, elements, sure, longest = self.gaps, self.elements, self.sure, self.longest
        found: set[str] = set()
        # Positions reached after the tokens read so far. Before reading a token, close over
        # the moves that read nothing: a placeholder may end (hold no more), and a "*" may
        # take the next element of the template, placeholder or character, whole.
        reached = self.starts
        for token in tokens:
            # Only the positions up to the highest reached one (and a template beyond it)
            # can change: the masks are cut there, so the work follows what is left.
            cut = (1 << (reached.bit_length() + longest)) - 1
            if token == ANY:
                reached = _close(reached, elements & cut)  # then the "*" ends where it is
                continue
            reached = _close(reached, gaps & cut)
            if token == ONE:  # a placeholder holds it, or it is the template's character
                reached = (reached & gaps) | ((reached & self.characters) << 1)
            else:
                held = reached & self.gap_takes.get(token, gaps)
                reached = held | ((reached & self.literal.get(token, 0)) << 1)
            certain = reached & sure
            if certain:  # the last placeholder takes whatever follows: matched, and done with
                done = 0
                for position in self._positions(certain):
                    found.add(self.owner[position])
                    done |= (1 << (position + 2)) - (1 << self.first[position])
                reached &= ~done
            if not reached:
                return found
        reached = _close(reached, gaps) & self.ends
        return found | {self.owner[p] for p in self._positions(reached)}


@functools.lru_cache(maxsize=32)
def automaton(templates: frozenset[str]) -> Automaton:
    """``templates`` compiled, once a process for each set (a document's statements often
    share their actions, and so their templates). One of the whole catalogue's templates is
    about a megabyte: a few dozen are kept."""
    return Automaton.compile(templates)


def arn_service(text: str) -> str | None:
    """The service an ARN pattern or template names (its third field, lower case), when every
    ARN it matches names that one: its first three fields hold no wildcard, variable or
    placeholder (a template's partition placeholder holds no colon). None otherwise."""
    fields = text.split(":", 3)
    if len(fields) < 4 or fields[0].lower() != "arn":
        return None
    head = fields[1] if fields[1] != "${Partition}" else ""
    if any(c in head + fields[2] for c in "*?$") or not fields[2]:
        return None
    return fields[2].lower()


@functools.lru_cache(maxsize=256)
def _by_service(templates: frozenset[str]) -> dict[str | None, frozenset[str]]:
    """``templates`` by the service their ARNs name; under None, all of them (for a Resource
    whose service is not sure); under "", those whose service is not sure (for a Resource of
    a service no template names). A template whose service is not sure is in every group."""
    found: dict[str | None, set[str]] = {}
    for template in templates:
        found.setdefault(arn_service(template), set()).add(template)
    unsure = found.pop(None, set())
    groups: dict[str | None, frozenset[str]] = {
        service: frozenset(group | unsure) for service, group in found.items()
    }
    groups[None] = templates
    groups[""] = frozenset(unsure)
    return groups


def matched(resources: Iterable[str], templates: frozenset[str]) -> set[str]:
    """The templates of ``templates`` that some Resource of ``resources`` could match."""
    groups = _by_service(templates)
    found: set[str] = set()
    left: dict[str | None, tuple[int, frozenset[str]]] = {}  # as of len(found): group - found
    built: dict[str | None, Automaton] = {}  # each group's automaton, of what was left of it
    for resource in dict.fromkeys(r.lower() for r in resources):
        service = arn_service(resource)
        if service not in groups:
            service = ""
        size, rest = left.get(service, (-1, frozenset()))
        if size != len(found):
            rest = groups[service] - found
            left[service] = (len(found), rest)
        if not rest:
            continue
        current = built.get(service)
        if current is None or 2 * len(rest) <= len(current.templates):
            current = built[service] = automaton(rest)  # compiled anew when halved
        found |= current.run(resource_tokens(resource))
    return found


def could_match(pattern: str, template: str) -> bool:
    """Whether some ARN of ``template``'s type matches the Resource ``pattern``."""
    return bool(automaton(frozenset({template})).run(resource_tokens(pattern)))
