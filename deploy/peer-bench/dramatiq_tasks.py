"""The Dramatiq side of deploy/peer-bench: the Redis broker (which acks after the actor), an actor that does
nothing but note its latency when asked to."""
import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware

import samples


class Ready(Middleware):
    def after_worker_boot(self, broker, worker):
        samples.ready()


broker = RedisBroker(url=os.environ["PEER_BENCH_REDIS_URL"])
broker.add_middleware(Ready())
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name="default", max_retries=0)
def noop(sent_at, body):
    samples.note(sent_at)
