"""The Celery side of deploy/peer-bench: the Redis broker, acks after the task (acks_late), a task that does nothing
but note its latency when asked to."""
import os
import warnings

from celery import Celery
from celery.signals import worker_ready

import samples

# The bench runs as root in a throwaway environment; Celery's warning about it would fill the output at every start.
warnings.filterwarnings("ignore", message="You're running the worker with superuser privileges")

app = Celery("peer_bench", broker=os.environ["PEER_BENCH_REDIS_URL"])
app.conf.update(task_acks_late=True, task_ignore_result=True, worker_hijack_root_logger=False,
                broker_connection_retry_on_startup=True)


@app.task(name="noop")
def noop(sent_at, body):
    samples.note(sent_at)


@worker_ready.connect
def ready(**_):
    samples.ready()
