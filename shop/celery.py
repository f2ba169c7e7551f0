"""The Celery application: two queues, JSON only, time limits, late acks.

``gpu`` takes the model work (styling, upscaling; :data:`TASK_ROUTES`) and runs with concurrency 1
per GPU in production; ``default`` takes everything else (emails, PDFs,
housekeeping). Configuration comes from Django settings (``CELERY_*``).
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

QUEUES = ("default", "gpu")
#: Which queue each task runs on (tasks no longer name their queue); the rest go to ``default``.
TASK_ROUTES = {
    "styling.gpu_stylize": {"queue": "gpu"},
    "styling.generate_style_samples": {"queue": "gpu"},
    "printing.gpu_upscale_line": {"queue": "gpu"},
}

# Every task's base class carries the one retry policy and its time limits from settings.
app = Celery("retrocel", task_cls="shop.task_policy:PolicyTask")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _filesystem_transport_options() -> dict[str, str]:
    """kombu's filesystem transport needs its folders to exist before the first message.

    ``control_folder`` (the exchange tables) is set too: kombu's default is ``./control``,
    which wrote broker state into the working tree.
    """
    from django.conf import settings

    folder = settings.CELERY_FILESYSTEM_DIR
    processed = folder / "processed"
    control = folder / "control"
    for path in (folder, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }


def beat_schedule() -> dict[str, dict[str, object]]:
    """Periodic tasks (run by ``celery beat``, or ``worker -B`` in the embedded stack)."""
    from django.conf import settings

    # No ``expires`` on the sweeps: a worker busy with a long print step would discard every
    # expired sweep and never run one (the sweep reads the clock when it runs, so a late one
    # is as good as a fresh one).
    return {
        "styling-watchdog": {
            "task": "styling.watchdog_sweep",
            "schedule": float(settings.STYLING_WATCHDOG_INTERVAL_SECONDS),
        },
        "printing-watchdog": {
            "task": "printing.watchdog_sweep",
            "schedule": float(settings.PRINT_WATCHDOG_INTERVAL_SECONDS),
        },
        "styling-housekeeping": {"task": "styling.housekeeping", "schedule": 60.0 * 60},
    }


def configure(app: Celery) -> None:
    """Apply the settings we never want to vary between environments."""
    from django.conf import settings

    conf = app.conf
    conf.task_queues = tuple(Queue(name, Exchange(name), routing_key=name) for name in QUEUES)
    conf.task_default_queue = "default"
    conf.task_routes = TASK_ROUTES
    conf.task_serializer = "json"
    conf.result_serializer = "json"
    conf.accept_content = ["json"]
    conf.task_acks_late = True
    conf.task_reject_on_worker_lost = True
    conf.worker_prefetch_multiplier = 1
    conf.task_track_started = True
    conf.result_expires = 60 * 60 * 24
    conf.task_soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    conf.task_time_limit = settings.CELERY_TASK_TIME_LIMIT
    conf.broker_connection_retry_on_startup = True
    conf.timezone = settings.TIME_ZONE
    conf.beat_schedule = beat_schedule()
    if str(conf.broker_url).startswith("filesystem"):
        conf.broker_transport_options = _filesystem_transport_options()
        if str(conf.result_backend).startswith("file://"):
            os.makedirs(str(conf.result_backend)[len("file://") :], exist_ok=True)


app.on_after_configure.connect(lambda sender, **_: configure(sender), weak=False)
app.autodiscover_tasks()
