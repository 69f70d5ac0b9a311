"""What a peer's worker process reports: that it is ready, and each task's publish → handler time in a file of its
own (one write per task, after the time is taken)."""
import os
import time

import redis

_file = None


def ready():
    redis.Redis.from_url(os.environ["PEER_BENCH_REDIS_URL"]).incr("peer-bench:ready")


def note(sent_at):
    if not sent_at:
        return
    milliseconds = (time.time() - sent_at) * 1000
    global _file
    if _file is None:
        path = os.path.join(os.environ["PEER_BENCH_SAMPLES"], f"{os.getpid()}.txt")
        _file = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(_file, b"%.4f\n" % milliseconds)
