"""Styling jobs: ``state`` (the state machine), ``dispatch`` (the only module that enqueues),
``worker`` (what the task runs), ``watchdog`` (jobs whose worker died) and ``leftovers`` (a
failed job's files deleted, later when the store was down)."""
