"""Rows of one resource, kept by id in ascending order so id ranges are cheap at any size."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping
from typing import Any


class Table:
    """Rows by id. A row is a dict, or a compact object that ``render`` turns into one."""

    def __init__(self, render: Callable[[Any], Mapping[str, Any]] | None = None) -> None:
        self.rows: dict[int, Any] = {}
        self.ids: list[int] = []
        self.next_id = 1
        self._render = render

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, row: Any, row_id: int | None = None) -> int:
        """Store a row under the next id (or the given one); sets ``row['id']``/``row.id``."""
        row_id = row_id if row_id is not None else self.next_id
        if isinstance(row, dict):
            row["id"] = row_id
        else:
            row.id = row_id
        if row_id not in self.rows:
            if not self.ids or row_id > self.ids[-1]:
                self.ids.append(row_id)
            else:
                bisect.insort(self.ids, row_id)
        self.rows[row_id] = row
        self.next_id = max(self.next_id, row_id + 1)
        return row_id

    def get(self, row_id: int) -> Any | None:
        return self.rows.get(row_id)

    def row(self, row_id: int) -> Mapping[str, Any] | None:
        """The row as the output layer reads it (rendered for compact objects)."""
        stored = self.rows.get(row_id)
        if stored is None or self._render is None:
            return stored
        return self._render(stored)

    def values(self) -> Iterator[Any]:
        for row_id in self.ids:
            yield self.rows[row_id]
