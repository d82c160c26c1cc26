"""Task rows are personal data: a queued or finished email holds its recipient's address,
name and whatever the email tells them (a call link). Erasing a person erases those rows.

The rows are found by the person's addresses anywhere in their text (arguments, return
value, traceback), not by task name, so every task that any app queues is covered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django_tasks_db.models import DBTaskResult

RUNNING = "RUNNING"
# Columns of a task row that may carry what the task was given or said.
_TEXT_COLUMNS = ("args_kwargs", "return_value", "traceback")


def _forms(address: str) -> set[str]:
    """The address as stored: as typed, and as JSON writes it (non-ASCII escaped)."""
    address = address.strip().lower()
    return {address, json.dumps(address)[1:-1]} if address else set()


def task_rows_holding(addresses: Iterable[str]):
    """Task rows whose arguments, result or traceback contain any of the addresses."""
    condition = Q()
    for address in addresses:
        for form in _forms(address):
            for column in _TEXT_COLUMNS:
                condition |= Q(**{f"_{column}_text__icontains": form})
    if not condition:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.annotate(**{
        f"_{column}_text": Cast(column, TextField()) for column in _TEXT_COLUMNS
    }).filter(condition)


def erase_task_rows(addresses: Iterable[str]) -> int:
    """Delete the task rows that hold any of these addresses: emails still queued for the
    person are not sent, finished ones are forgotten. A row a worker is running right now
    is blanked instead (the worker already holds its arguments and saves only its status).
    Returns how many rows were erased."""
    with transaction.atomic():
        found = list(task_rows_holding(addresses).values_list("pk", flat=True))
        if not found:
            return 0
        blanked = DBTaskResult.objects.filter(pk__in=found, status=RUNNING).update(
            args_kwargs={"args": [], "kwargs": {}}, return_value=None, traceback="")
        deleted, _ = DBTaskResult.objects.filter(pk__in=found).exclude(status=RUNNING).delete()
    return blanked + deleted
