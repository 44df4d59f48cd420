"""logreg.app.cache: a least-recently-used cache bounded in bytes, keyed by frozen values."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg import make_synthetic, train
from logreg.app.cache import ByteBudgetCache, size_of
from logreg.app.run import CsvColumns


def test_size_of_counts_array_buffers_once():
    a = np.zeros(10_000)
    assert size_of(a) >= a.nbytes
    assert size_of((a, a)) < 2 * a.nbytes  # the same array twice is held once
    view = a[:5000]
    assert size_of((a, view)) < a.nbytes + 1000  # a view shares its base's buffer


def test_size_of_a_run_is_close_to_what_python_allocates():
    import tracemalloc

    data = make_synthetic(n=200)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    history = tuple(train(data.X, data.y, learning_rate=0.1, epochs=500))
    allocated = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert 0.5 * allocated <= size_of(history) <= 2.0 * allocated


def test_values_are_shared_not_copied():
    cache = ByteBudgetCache(10**6)
    value = np.arange(10.0)
    assert cache.get("k", lambda: value) is value
    assert cache.get("k", lambda: pytest.fail("made twice")) is value


def test_the_budget_is_never_exceeded_and_old_entries_leave_first():
    cache = ByteBudgetCache(100_000)
    for i in range(50):
        cache.get(i, lambda: np.zeros(2_000))  # 16 kB each
        assert cache.bytes <= cache.budget
    assert 0 < len(cache) <= 6
    assert cache.get(49, lambda: "new") is not None
    assert cache.get(0, lambda: "remade") == "remade"  # the oldest left


def test_a_recent_hit_stays():
    cache = ByteBudgetCache(50_000)
    first = cache.get("first", lambda: np.zeros(2_000))
    for i in range(10):
        cache.get("first", lambda: None)  # touched every time: the most recent
        cache.get(i, lambda: np.zeros(2_000))
    assert cache.get("first", lambda: None) is first


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    cache = ByteBudgetCache(1_000)
    big = np.zeros(10_000)
    assert cache.get("big", lambda: big) is big
    assert len(cache) == 0 and cache.bytes == 0


def test_keys_with_colons_never_collide():
    # joined with ':' these would both read "sha:a:b:c:y…"; as frozen values they differ
    one = CsvColumns("sha", ("a:b", "c"), "y", "standardize", 0.2, 0)
    two = CsvColumns("sha", ("a", "b:c"), "y", "standardize", 0.2, 0)
    assert one != two
    cache = ByteBudgetCache(10**6)
    assert cache.get(one, lambda: "model on a:b, c") == "model on a:b, c"
    assert cache.get(two, lambda: "model on a, b:c") == "model on a, b:c"


def test_threads_share_one_budget():
    cache = ByteBudgetCache(200_000)

    def work(offset: int) -> None:
        for i in range(200):
            cache.get((offset, i % 30), lambda: np.zeros(1_000))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.bytes <= cache.budget
    assert cache.bytes == sum(size for _, size in cache._entries.values())


@dataclass(frozen=True)
class _Key:
    a: str
    b: tuple[str, str]


def test_frozen_dataclass_keys_compare_by_every_field():
    cache = ByteBudgetCache(10**6)
    cache.get(_Key("x", ("1", "2")), lambda: 1)
    assert cache.get(_Key("x", ("1", "2")), lambda: 2) == 1
    assert cache.get(_Key("x", ("2", "1")), lambda: 3) == 3


def test_size_of_counts_a_table_as_pandas_does():
    import pandas as pd

    frame = pd.DataFrame({"a": np.arange(10_000.0), "label": ["yes", "no"] * 5_000})
    assert size_of(frame) >= frame.memory_usage(deep=True).sum() > frame["a"].nbytes + 10_000 * 8


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30_000)), min_size=1, max_size=300))
def test_the_cache_never_holds_more_than_its_budget(requests):
    budget = 100_000
    cache = ByteBudgetCache(budget)
    for key, length in requests:  # keys repeat, values of any size up to a third of the budget and beyond
        cache.get(key, lambda n=length // 8: np.zeros(n))
        assert cache.bytes <= budget
        assert cache.bytes == sum(size for _, size in cache._entries.values())


def test_arrays_of_a_few_megabytes_get_pages_of_their_own():
    # glibc raises its mmap threshold to the size of each large block freed, so that later blocks of that
    # size stay in the heap, which gives memory back only from its top; the cache module fixes it
    import ctypes

    from logreg.app import cache

    if not cache.configure_malloc():  # as the page's main() does once per process
        pytest.skip("not glibc")

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks".split()]

    cache._LIBC.mallinfo2.restype = MallInfo2
    size = 2 * cache.MMAP_BYTES
    first = np.ones(size // 8)
    del first  # freed: without the fixed threshold, blocks up to this size now come from the heap
    before = cache._LIBC.mallinfo2().hblkhd
    second = np.ones(size // 8)
    assert cache._LIBC.mallinfo2().hblkhd - before >= size  # mmapped: its pages leave with it
    del second


def test_a_long_history_is_measured_on_a_sample_close_to_every_record(monkeypatch):
    import sys

    from logreg.app import cache
    from logreg.app.run import run
    from logreg.app.settings import Settings

    history = run(Settings(n=100, epochs=2000)).history
    estimate, short = size_of(history), size_of(history[:16])
    assert len(history) > 2 * cache.SAMPLED >= 16
    monkeypatch.setattr(cache, "SAMPLED", 10**9)  # every record walked, as before the sample
    walked = size_of(history)
    assert 0.9 * walked <= estimate <= 1.1 * walked
    assert short == size_of(history[:16])  # a short sequence is walked record by record
    assert sys.getsizeof(history) < estimate
