"""The one retry policy (``shop.task_policy``): what is retried, after how long, under which limits."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from orders.tasks import send_order_confirmation
from printing.tasks import gpu_upscale_line, notify_vendor_task, write_line_pdf_task
from shop.celery import app
from shop.task_policy import PolicyTask, is_transient
from styling.exceptions import TransientStylingError
from styling.tasks import gpu_stylize, housekeeping


def test_every_task_of_the_project_has_the_policy_base_class() -> None:
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"styling.gpu_stylize", "printing.write_line_pdf", "orders.send_order_confirmation"} <= (
        set(ours)
    )
    assert [name for name, task in ours.items() if not isinstance(task, PolicyTask)] == []


@pytest.mark.parametrize(
    ("name", "queue"),
    [
        ("styling.gpu_stylize", "gpu"),
        ("styling.generate_style_samples", "gpu"),
        ("printing.gpu_upscale_line", "gpu"),
        ("printing.write_line_pdf", "default"),
        ("orders.send_order_confirmation", "default"),
        ("styling.housekeeping", "default"),
    ],
)
def test_task_routes_send_model_work_to_the_gpu_queue(name: str, queue: str) -> None:
    assert app.amqp.router.route({}, name)["queue"].name == queue


def test_time_limits_come_from_settings(settings) -> None:
    assert (gpu_stylize.soft_time_limit, gpu_stylize.time_limit) == (240, 300)
    assert (gpu_upscale_line.soft_time_limit, gpu_upscale_line.time_limit) == (1800, 1900)
    assert (write_line_pdf_task.soft_time_limit, write_line_pdf_task.time_limit) == (600, 660)
    # a task without its own entry runs under the global limits
    assert (housekeeping.soft_time_limit, housekeeping.time_limit) == (
        app.conf.task_soft_time_limit,
        app.conf.task_time_limit,
    )


@pytest.mark.parametrize(
    ("task", "retries", "seconds"),
    [
        (gpu_stylize, 0, 2),
        (gpu_stylize, 2, 8),
        (gpu_upscale_line, 0, 15),
        (gpu_upscale_line, 3, 120),
        (notify_vendor_task, 1, 30),
        (send_order_confirmation, 4, 16),
    ],
)
def test_backoff_doubles_from_each_tasks_base(task, retries: int, seconds: int) -> None:
    task.push_request(retries=retries)
    try:
        assert task.backoff() == seconds
    finally:
        task.pop_request()


def test_transient_errors_are_retried_until_retries_run_out(caplog) -> None:
    task = gpu_upscale_line
    task.push_request(retries=0, args=[7])
    try:
        # outside a worker Celery's retry raises the error itself instead of re-sending
        with pytest.raises(OperationalError):
            task.retry_if_transient(OperationalError("database is locked"))
        assert "printing.gpu_upscale_line[7]: transient" in caplog.text
        assert "retry in 15s" in caplog.text
        assert task.retry_if_transient(ValueError("a bug, not a hiccup")) is None
    finally:
        task.pop_request()
    task.push_request(retries=task.max_retries, args=[7])
    try:
        assert task.retry_if_transient(OSError("storage reset")) is None  # out of retries
    finally:
        task.pop_request()


def test_each_task_says_what_is_transient_for_it() -> None:
    assert gpu_stylize.is_transient(TransientStylingError("busy"))
    assert not gpu_stylize.is_transient(OSError("the worker sorts its own errors"))
    assert notify_vendor_task.is_transient(OSError("mail server down"))
    assert not notify_vendor_task.is_transient(OperationalError("not a mail problem"))
    assert (gpu_stylize.max_retries, gpu_upscale_line.max_retries) == (3, 4)
    assert send_order_confirmation.max_retries == 5


def test_the_one_rule_the_styling_workers_sort_their_errors_by() -> None:
    from botocore.exceptions import EndpointConnectionError
    from django.db import IntegrityError

    store_down = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    for exc in (store_down, OperationalError("locked"), OSError("reset"), MemoryError()):
        assert is_transient(exc), exc
    for exc in (FileNotFoundError("gone"), ValueError("bad style"), IntegrityError("a bug")):
        assert not is_transient(exc), exc
