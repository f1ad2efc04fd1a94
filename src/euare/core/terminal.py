"""The one rule for what euare prints: no character that could drive a terminal or hide text.

IAM keeps text that euare did not write: policy documents (which may hold C1 controls, U+009B
among them, a terminal's CSI), descriptions, tag values, and whatever a snapshot file or a
foreign endpoint says. Everything euare prints for a reader (text, table cells, JSON, what
``--query`` selects, error and warning lines) goes through :func:`visible`, which shows each such
character as ``\\uXXXX``, its code point as JSON spells it: a name holding ESC ``[2J`` clears no
screen, and JSON stays JSON that parses to the same strings (the characters are only ever inside
its strings, where ``\\u009b`` means what the raw character meant).
"""

from __future__ import annotations

import re

# C0 controls (but TAB, LF and CR, decided below), DEL and the C1 controls; the soft hyphen, the
# Arabic letter mark and the Mongolian vowel separator; zero-width spaces, joiners and direction
# marks; the line and paragraph separators, bidi embeddings, overrides and isolates; invisible
# operators and deprecated format characters; the byte order mark; interlinear annotations.
_HIDDEN = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
# In lines of output, a line feed and a tab stay (a document's lines, KEY<TAB>VALUE), and so
# does a carriage return that ends a line (a document stored with CRLF); a lone one, which
# would let the rest of a line overwrite its start, does not.
_IN_LINES = re.compile(f"[{_HIDDEN}]|\r(?!\n)")
# In a value that must stay on its one line (a table cell, an error line): line ends too.
_ON_ONE_LINE = re.compile(f"[{_HIDDEN}\n\r]")


def _code(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str, one_line: bool = False) -> str:
    """``text`` with every character that could drive a terminal or hide text shown as
    ``\\uXXXX``; with ``one_line``, line feeds and carriage returns too."""
    return (_ON_ONE_LINE if one_line else _IN_LINES).sub(_code, text)
