"""Reading untrusted input for commands: stdin or a file, size-limited, UTF-8, no echo.

Errors are `InputError` with one clear sentence; commands print it to stderr and exit 2.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import BinaryIO

#: larger pastes are refused (FACTS.md lists nothing near this size)
MAX_BYTES = 1_000_000


class InputError(Exception):
    """Bad input: the message is one sentence, safe to print (never contains the input)."""


def _decode(data: bytes, what: str) -> str:
    if len(data) > MAX_BYTES:
        raise InputError(f"{what} is larger than {MAX_BYTES:,} bytes, the most xkeys reads")
    if b"\x00" in data:
        raise InputError(f"{what} contains binary data (NUL bytes); paste text only")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not valid UTF-8 text (bad byte at offset {exc.start})") from None
    return text


def read_limited(stream: BinaryIO, what: str) -> str:
    data = stream.read(MAX_BYTES + 1)
    return _decode(data, what)


def read_stdin(prompt: str | None = None, *, secret: bool = True, multiline: bool = False) -> str:
    """Read stdin; on a terminal, prompt (without echo for a single secret value)."""
    stdin = sys.stdin
    if stdin is None:
        raise InputError("no input: pipe a value on stdin")
    if stdin.isatty():
        if multiline:
            sys.stderr.write((prompt or "Paste, then press Ctrl-D on an empty line:") + "\n")
            sys.stderr.flush()
        else:
            try:
                text = (
                    getpass.getpass((prompt or "Value") + " (input hidden): ", stream=sys.stderr)
                    if secret
                    else input(prompt or "Value: ")
                )
            except EOFError:
                text = ""
            return text
    buf = getattr(stdin, "buffer", None)
    if buf is None:
        text = stdin.read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            raise InputError(f"standard input is larger than {MAX_BYTES:,} bytes")
        return text
    return read_limited(buf, "standard input")


def read_path(path: str) -> str:
    """Read a file argument (`-` is stdin)."""
    if path == "-":
        return read_stdin(multiline=True)
    try:
        if os.path.isdir(path):
            raise InputError(f"{path} is a directory, not a file")
        with open(path, "rb") as fh:
            return read_limited(fh, path)  # type: ignore[arg-type]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"xkeys: {message}\n")
    return code
