"""The one error the domain raises: a refusal a person can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused. The message says what was wrong and what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
