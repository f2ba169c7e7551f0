"""A real task crosses the configured broker to a real worker process and back."""

from __future__ import annotations

import os

import pytest

from shop.tasks import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_round_trip_through_real_worker(celery_worker) -> None:
    result = ping.delay("hello")
    reply = result.get(timeout=60)
    assert reply["echo"] == "hello"
    assert reply["pid"] != os.getpid()


def test_gpu_tasks_only_reach_workers_consuming_the_gpu_queue() -> None:
    from shop.celery import app

    queues = {q.name: q for q in app.conf.task_queues}
    assert queues["gpu"].routing_key == "gpu" and queues["gpu"].exchange.name == "gpu"
    assert queues["default"].routing_key == "default"
    route = app.amqp.router.route({"queue": "gpu"}, "any.task")
    assert route["queue"].name == "gpu"
