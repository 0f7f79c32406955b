import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Slices of at most `size` items (itertools.batched arrives only in Python 3.12)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building or streaming hundreds of thousands of small objects triggers many useless GC passes, each full
    one walking the whole heap; hold them. Only for code that makes no reference cycles of its own."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
