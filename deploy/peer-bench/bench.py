"""Celery and Dramatiq, the Python task queues most teams would pick instead of Kinexus's bus, measured on the bench's
Redis as `kinexus bench` measures the bus: 1 KB of payload, a handler that does nothing, acks after it.

Throughput: the tasks are published first onto a held queue; once every worker process is ready the queue is renamed
to the one they read, and the clock runs until Redis holds none of them, queued or unacked. Latency: publisher
processes publish at a steady rate, each task stamped with the time; the handler writes publish → handler time.
Every figure is printed beside redis-benchmark's XADD on the same Redis in the same run.

usage: bench.py REDIS_URL EVENTS LATENCY_SECONDS PAYLOAD_BYTES"""
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
BODY = "b" * 1024
READY_KEY = "peer-bench:ready"


class Celery:
    name = "Celery 5 (Redis broker, acks_late)"
    ready_per_start = staticmethod(lambda processes: 1)

    @staticmethod
    def publisher():
        import celery_tasks
        return lambda sent_at, held: celery_tasks.noop.apply_async((sent_at, BODY), queue="hold" if held else "celery")

    @staticmethod
    def worker(processes):
        return [sys.executable, "-m", "celery", "-A", "celery_tasks", "worker", "--pool", "prefork",
                "--concurrency", str(processes), "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--queues", "celery"]

    @staticmethod
    def release(client):
        client.rename("hold", "celery")

    @staticmethod
    def remaining(client):
        with client.pipeline() as pipe:
            return sum(pipe.llen("hold").llen("celery").hlen("unacked").execute())


class Dramatiq:
    name = "Dramatiq 2 (Redis broker)"
    ready_per_start = staticmethod(lambda processes: processes)

    @staticmethod
    def publisher():
        import dramatiq_tasks
        def publish(sent_at, held):
            message = dramatiq_tasks.noop.message(sent_at, BODY)
            if not held:
                return dramatiq_tasks.broker.enqueue(message)
            # Dramatiq's own enqueue, onto the held queue's keys: the message itself still names its queue.
            message = message.copy(options={"redis_message_id": message.message_id})
            dramatiq_tasks.broker.do_enqueue("hold", message.message_id, message.encode())
        return publish

    @staticmethod
    def worker(processes):
        return [sys.executable, "-m", "dramatiq", "dramatiq_tasks", "--processes", str(processes), "--threads", "8",
                "--queues", "default"]

    @staticmethod
    def release(client):
        with client.pipeline(transaction=True) as pipe:
            pipe.rename("dramatiq:hold", "dramatiq:default").rename("dramatiq:hold.msgs", "dramatiq:default.msgs").execute()

    @staticmethod
    def remaining(client):
        with client.pipeline() as pipe:
            return sum(pipe.hlen("dramatiq:hold.msgs").hlen("dramatiq:default.msgs").execute())


def environment(url, samples):
    return dict(os.environ, PEER_BENCH_REDIS_URL=url, PEER_BENCH_SAMPLES=samples,
                PYTHONPATH=HERE + os.pathsep + os.environ.get("PYTHONPATH", ""))


def start_workers(peer, processes, url, samples, client):
    client.delete(READY_KEY)
    worker = subprocess.Popen(peer.worker(processes), cwd=HERE, env=environment(url, samples),
                              stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while int(client.get(READY_KEY) or 0) < peer.ready_per_start(processes):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{peer.name}: the worker did not become ready")
        time.sleep(0.01)
    return worker


def stop(worker):
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def wait_until_drained(peer, client, timeout):
    deadline = time.monotonic() + timeout
    while peer.remaining(client) > 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"{peer.name}: {peer.remaining(client)} tasks still not handled after {timeout} s")
        time.sleep(0.001)


def publish_paced(peer_class, url, samples, rate, seconds, out):
    os.environ.update(environment(url, samples))
    sys.path.insert(0, HERE)
    publish = peer_class.publisher()
    total, sent = rate * seconds, 0
    started = time.monotonic()
    while sent < total:
        due = min(total, int(rate * (time.monotonic() - started)) + 1)
        while sent < due:
            publish(time.time(), False)
            sent += 1
        time.sleep(0.0005)
    out.put(total / (time.monotonic() - started))


def throughput(peer, processes, events, url, client):
    client.flushdb()
    publish = peer.publisher()
    for _ in range(events):
        publish(0, True)
    with tempfile.TemporaryDirectory() as samples:
        worker = start_workers(peer, processes, url, samples, client)
        started = time.monotonic()
        peer.release(client)
        wait_until_drained(peer, client, timeout=600)
        elapsed = time.monotonic() - started
        stop(worker)
    return events / elapsed


def latency(peer, rate, seconds, processes, url, client):
    client.flushdb()
    with tempfile.TemporaryDirectory() as samples:
        worker = start_workers(peer, processes, url, samples, client)
        # One Python process publishes a few thousand tasks a second: enough of them to keep the rate.
        publishers = max(1, math.ceil(rate / 2500))
        context = multiprocessing.get_context("spawn")
        rates = context.Queue()
        running = [context.Process(target=publish_paced, args=(type(peer), url, samples, rate // publishers, seconds, rates))
                   for _ in range(publishers)]
        for process in running:
            process.start()
        published = sum(rates.get() for _ in running)
        for process in running:
            process.join()
        wait_until_drained(peer, client, timeout=600)
        stop(worker)
        values = sorted(float(line) for name in os.listdir(samples) for line in open(os.path.join(samples, name)))
    if not values:
        raise SystemExit(f"{peer.name}: no latency samples")
    at = lambda fraction: values[min(len(values) - 1, int(len(values) * fraction))]
    return at(0.5), at(0.99), at(0.999), len(values), published


def redis_benchmark_xadd(url, events, payload):
    connection = redis.connection.parse_url(url)
    output = subprocess.run(
        ["redis-benchmark", "-h", connection.get("host", "127.0.0.1"), "-p", str(connection.get("port", 6379)),
         "--dbnum", str(connection.get("db", 0)), "-n", str(events), "-P", "100", "-c", "1", "--csv",
         "XADD", "peer-bench:baseline", "MAXLEN", "~", "100000", "*", "envelope", "x" * payload],
        check=True, capture_output=True, text=True).stdout
    line = [line for line in output.splitlines() if line.startswith('"XADD')][-1]
    return float(line.split(",")[1].strip('"'))


def main():
    url, events, seconds, payload = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    sys.path.insert(0, HERE)
    os.environ.update(environment(url, tempfile.gettempdir()))
    client = redis.Redis.from_url(url)
    baseline = redis_benchmark_xadd(url, events, payload)
    print(f"# peers: {events} tasks per throughput run, 1 KB payloads; "
          f"redis-benchmark XADD -c 1 -P 100 ({payload} bytes) in this run: {baseline:.0f}/s", flush=True)
    for peer in (Celery(), Dramatiq()):
        for processes in (1, 4):
            rate = throughput(peer, processes, events, url, client)
            print(f"{peer.name}, {processes} worker process(es): {rate:.0f} tasks/s | ratio {rate / baseline:.3f}", flush=True)
        for rate in (1_000, 10_000):
            p50, p99, p999, count, published = latency(peer, rate, seconds, 4, url, client)
            print(f"{peer.name}, latency at {rate} tasks/s (4 worker processes): p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
                  f"p99.9 {p999:.3f} ms over {count} tasks, published at {published:.0f}/s", flush=True)
    client.flushdb()


if __name__ == "__main__":
    main()
