"""Blocks of work done by a forked process per core, their results taken in order; and one piece
of work done in a forked process while this one goes on.

A million events are checked or turned into columns a block at a time; the blocks are
independent, so the cores can share them. A page's control areas are worked out beside its
places' tables (:func:`in_background`). The workers are forked, so they share the parent's
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
from contextlib import contextmanager
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


@contextmanager
def in_background(work: Callable[[Shared, None], Result], shared: Shared) -> Iterator[Callable[[], Result]]:
    """Start ``work(shared, None)`` in a forked process while this one goes on; within the
    ``with`` block, the function given waits for its result (raising what the work raised).
    Leaving the block stops the process if it is still working. Where no process is forked (one
    core, not Linux), or should the worker die, the work is done here when its result is asked for."""
    if cores() < 2 or sys.platform != "linux":
        yield lambda: work(shared, None)
        return
    import multiprocessing  # here: 50 ms that a small job need not pay

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_work_and_send, args=(work, shared, send), daemon=True)
    process.start()
    send.close()

    def result() -> Result:
        try:
            done, value = receive.recv()
        except EOFError:  # the worker died (killed for want of memory, say)
            return work(shared, None)
        if not done:
            raise value
        return value

    try:
        yield result
    finally:
        process.terminate()  # nothing to stop once it has sent its result
        process.join()
        receive.close()


def _work_and_send(work: Callable[[Any, None], Any], shared: Any, send: Any) -> None:
    """In a background process: the work's result, or what it raised, sent back. Ctrl-C is left to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        outcome = (True, work(shared, None))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent
        outcome = (False, exc)
    send.send(outcome)


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
