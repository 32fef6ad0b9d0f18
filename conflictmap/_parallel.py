"""Blocks of work done by a forked process per core, their results taken in order.

A million events are checked or turned into columns a block at a time; the blocks are
independent, so the cores can share them. The workers are forked, so they share the parent's
memory (the files' bytes and the features' slices) instead of being sent a copy. Only on Linux,
where forking is the usual way to start workers (on macOS forking after NumPy has loaded its
system libraries can crash; Windows cannot fork); elsewhere, and for one block, the work is done
here, with the same results.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Shared = TypeVar("Shared")
Task = TypeVar("Task")
Result = TypeVar("Result")


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def ordered_map(
    work: Callable[[Shared, Task], Result], shared: Shared, tasks: Sequence[Task], workers: int | None = None
) -> Iterator[Result]:
    """``work(shared, task)`` for each task, in the tasks' order: in ``workers`` forked processes
    (default: one per core) when there are several tasks, else in this one.

    Should a worker die (killed for want of memory, say), the tasks left are done here. Stopping
    the iteration early (an exception in the caller) cancels the tasks not yet started.
    """
    workers = min(workers or cores(), len(tasks))
    if workers < 2 or sys.platform != "linux":
        yield from (work(shared, task) for task in tasks)
        return
    import multiprocessing  # here: 50 ms that a small job need not pay
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_receive, initargs=(work, shared)
    )
    done = 0
    try:
        for result in pool.map(_run, tasks):
            yield result
            done += 1
    except BrokenProcessPool:
        yield from (work(shared, task) for task in tasks[done:])
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


_received: tuple[Callable[[Any, Any], Any], Any] | None = None


def _receive(work: Callable[[Any, Any], Any], shared: Any) -> None:
    """In a worker, once: the work and what its tasks share (inherited by the fork, not copied).
    Ctrl-C is left to the parent, which stops the workers."""
    global _received
    _received = (work, shared)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(task: Any) -> Any:
    work, shared = _received  # type: ignore[misc]
    return work(shared, task)
