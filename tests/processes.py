"""notegen as its own process, the way a user runs it: for inputs that could hang (bounded by a
timeout, so a hang fails the test instead of stalling the suite), kills and concurrent builds."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

NOTEGEN = (sys.executable, "-m", "notegen")
HANG = 120
"""Seconds after which a command counts as hung: ten times what the slowest case here takes."""


def notegen(*args: str, cwd: Path, timeout: float = HANG, wrapper: Sequence[str] = (),
            command: Sequence[str] = NOTEGEN, env: Mapping[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run ``notegen ARGS`` (or ``command ARGS``, inside ``wrapper``) and wait for it."""
    return subprocess.run([*wrapper, *command, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False, env=env)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """Start ``notegen ARGS`` without waiting for it."""
    return subprocess.Popen([*NOTEGEN, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
