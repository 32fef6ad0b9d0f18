"""Work shared by forked processes: results in order, whatever happens to a worker."""

import os
import sys
import time

import pytest

from conflictmap._parallel import in_background, ordered_map
from conflictmap.errors import ConflictmapError

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="work is shared by forked processes on Linux only")


def test_results_come_in_the_order_of_the_tasks():
    parent = os.getpid()
    results = list(ordered_map(lambda shared, task: (task * shared, os.getpid() != parent), 10, range(6), workers=3))
    assert [value for value, _ in results] == [0, 10, 20, 30, 40, 50]
    assert all(elsewhere for _, elsewhere in results)  # done by the workers, not here


def test_a_killed_worker_leaves_its_tasks_to_this_process():
    parent = os.getpid()

    def work(shared, task):
        if os.getpid() != parent and task == 2:
            os._exit(1)  # as the kernel's out-of-memory killer would end it
        return task * shared

    assert list(ordered_map(work, 10, [0, 1, 2, 3, 4], workers=2)) == [0, 10, 20, 30, 40]


@pytest.fixture
def two_cores(monkeypatch):
    from conflictmap import _parallel

    monkeypatch.setattr(_parallel, "cores", lambda: 2)


def test_work_in_the_background_runs_elsewhere_while_this_process_goes_on(two_cores, tmp_path):
    parent, mark = os.getpid(), tmp_path / "started"

    def work(shared, _):
        mark.write_text("")
        return shared * 2, os.getpid() != parent

    with in_background(work, 21) as result:
        assert result() == (42, True)
        assert mark.exists()


def test_what_the_background_work_raises_is_raised_here(two_cores):
    def work(shared, _):
        raise ConflictmapError(f"no {shared}")

    with in_background(work, "areas") as result, pytest.raises(ConflictmapError, match="no areas"):
        result()


def test_a_killed_background_worker_leaves_its_work_to_this_process(two_cores):
    parent = os.getpid()

    def work(shared, _):
        if os.getpid() != parent:
            os._exit(1)  # as the kernel's out-of-memory killer would end it
        return shared

    with in_background(work, "done here") as result:
        assert result() == "done here"


def test_leaving_the_block_stops_the_background_work(two_cores, tmp_path):
    mark = tmp_path / "finished"

    def work(shared, _):
        time.sleep(shared)
        mark.write_text("")

    with pytest.raises(KeyError), in_background(work, 0.5):
        raise KeyError("the caller fails first")
    time.sleep(1.0)
    assert not mark.exists()
