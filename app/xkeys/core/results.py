"""The one check-result type shared by shape checks, cross-field checks and live probes.

Check ids follow shared/DESIGN.md: `shape.<field>`, `cross.<name>`, `probe.<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"

    def __str__(self) -> str:
        return self.value


#: how each status is marked in text output (brew/flutter doctor style)
MARKS: dict[Status, str] = {Status.PASS: "✓", Status.WARN: "!", Status.FAIL: "✗", Status.SKIP: "-"}


@dataclass
class CheckResult:
    id: str
    status: Status
    message: str
    diagnosis: str | None = None
    elapsed_ms: int | None = None
    #: non-secret facts (user id, access level, headroom numbers...); never a credential value
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "message": self.message,
            "diagnosis": self.diagnosis,
            "elapsed_ms": self.elapsed_ms,
        }
