"""Work shared by forked processes: results in order, whatever happens to a worker."""

import os
import sys

import pytest

from conflictmap._parallel import ordered_map

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
