"""Two people acting on the same record at the same moment, for the PostgreSQL tests."""

import threading

from django.db import connections


def run_together(*jobs):
    """Start every job at the same instant, each in its own thread and DB connection;
    returns [("ok", result) or ("error", exception)] in the jobs' order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            outcomes[index] = ("ok", job())
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
