"""One cache for the whole server process, bounded in bytes, keyed by frozen values.

Streamlit's own caches bound the number of entries, not their size, pickle every value on the way
in and unpickle it on every hit, and hash large arrays by a sample. Here a key is a frozen, hashable
value (a dataclass of plain fields or a tuple of them), so two different inputs never share an
entry; a value is stored once and handed out as it is, so values must be immutable (frozen
dataclasses with read-only arrays); and the least recently used entries leave once the total size
passes the budget.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import fields, is_dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

V = TypeVar("V")
TRIM_BYTES = 32 * 2**20  # after this many bytes have left the cache, give the freed pages back to the system


def _glibc():
    """The C library when it is glibc (Linux), else None: its malloc keeps freed memory for reuse."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_LIBC = _glibc()
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # mallopt's parameters (malloc.h)
MMAP_BYTES = 4 * 2**20  # blocks this large get pages of their own, given back when freed


def configure_malloc() -> bool:
    """Set glibc's malloc for a server of many sessions, once for the whole process (called from the
    page's main(), never on import); True when set, False where the C library is not glibc.

    Every Streamlit session runs its script in a thread of its own, and glibc gives threads malloc arenas
    of their own (up to 8 per core), each keeping what it freed; and after the first large block is freed
    it raises its mmap threshold to that block's size (up to 32 MiB), so that later arrays of a few MB
    are carved from those arenas too, which only give memory back from their top. Seventy distinct pages
    left 431 MiB free (87 MiB in use) in the heap, resident and kept while idle; with one arena and
    fixed thresholds, 30 pages left 15 MiB free where they had left 207 MiB."""
    if _LIBC is None:
        return False
    _LIBC.mallopt(M_ARENA_MAX, 1)  # the GIL serialises the threads' allocations anyway
    _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)  # a fixed value: no raising it
    _LIBC.mallopt(M_TRIM_THRESHOLD, MMAP_BYTES)  # the heap's free top goes back beyond this
    return True


def freeze_long_lived() -> None:
    """Move every object alive now (the imported modules, once the first page has run) out of the garbage
    collector's sight, once for the process (called from the page's main(), never on import).

    The server collects garbage after every page run, and a full collection walks every object it
    tracks: about 117,000 after the imports, 54 ms of CPU per run on this project's machine (py-spy put
    Streamlit's post-run collection at 67 ms of a 160 ms data change). Frozen objects are skipped; they
    are still freed by reference counting. The cost: a reference cycle among them is never collected,
    which bounds the loss to what the first run left in cycles."""
    gc.collect()
    gc.freeze()


def release_freed_memory() -> None:
    """Return the pages malloc holds free to the operating system (glibc only; elsewhere nothing)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


SAMPLED = 8  # records of a long sequence of one dataclass that size_of measures (the rest are scaled from them)


def _uniform_records(value: list | tuple) -> bool:
    """Whether value is a long sequence of instances of one dataclass (a run's snapshots)."""
    if len(value) <= 2 * SAMPLED or not is_dataclass(value[0]) or isinstance(value[0], type):
        return False
    kind = type(value[0])
    return all(type(v) is kind for v in value)


_ATOMS = frozenset({float, int, bool, str, bytes, type(None), complex})  # sized by getsizeof alone


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, looked up once per class (dataclasses.fields filters them at every call)."""
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind))
    return names


def size_of(value, _seen: set | None = None) -> int:
    """Bytes held by a value: NumPy arrays by their buffers, pandas objects by memory_usage(deep=True),
    containers and dataclasses by their parts.

    An estimate of what dropping the value frees: objects reached twice count once. A long sequence of one
    dataclass (a run's snapshots) is measured on an even sample of SAMPLED of its records.
    """
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if type(value) in _ATOMS:  # most of a value's parts: numbers and words, nothing inside them
        return sys.getsizeof(value)
    if isinstance(value, pd.DataFrame):  # its blocks, index and every Python string in object columns
        return sys.getsizeof(value) + int(value.memory_usage(index=True, deep=True).sum())
    if isinstance(value, (pd.Series, pd.Index)):
        return sys.getsizeof(value) + int(value.memory_usage(deep=True))
    if isinstance(value, np.ndarray):
        if value.base is None:  # the array owns its buffer, which getsizeof includes
            return sys.getsizeof(value)
        # a view: its header, and its base once (an array, or the bytes object it was made from)
        return sys.getsizeof(value) + size_of(value.base, seen)
    total = sys.getsizeof(value)
    if isinstance(value, dict):
        total += sum(size_of(k, seen) + size_of(v, seen) for k, v in value.items())
    elif isinstance(value, (list, tuple)) and _uniform_records(value):
        # a run's snapshots: thousands of records of one shape; walking every one took 2.6 s for the 19 runs
        # of 5,000 epochs of every rate, so an even sample of SAMPLED of them is measured and scaled
        step = len(value) // SAMPLED
        sample = value[::step]
        total += round(sum(size_of(v, seen) for v in sample) * len(value) / len(sample))
    elif isinstance(value, (list, tuple, set, frozenset)):
        total += sum(size_of(v, seen) for v in value)
    elif is_dataclass(value) and not isinstance(value, type):
        total += sum(size_of(getattr(value, name), seen) for name in _field_names(type(value)))
        if hasattr(value, "__dict__"):  # the instance's own dict, and what cached properties put there
            total += size_of(vars(value), seen)
    return total


class ByteBudgetCache:
    """A least-recently-used map from frozen keys to immutable values, at most `budget` bytes in all."""

    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._dropped = 0  # bytes evicted since memory was last given back
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value stored under key, or make()'s, stored first when it fits in the budget."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[0]  # type: ignore[return-value]
        value = make()  # outside the lock: other sessions keep reading while this one computes
        size = size_of(value)
        with self._lock:
            if key in self._entries or size > self.budget:
                return value
            self._entries[key] = (value, size)
            self._bytes += size
            evicted = []
            while self._bytes > self.budget:
                _, (old, dropped) = self._entries.popitem(last=False)
                evicted.append(old)
                self._bytes -= dropped
                self._dropped += dropped
            trim = self._dropped >= TRIM_BYTES
            if trim:
                self._dropped = 0
        del evicted  # freed here, unless a session still shows them
        if trim:
            release_freed_memory()
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
