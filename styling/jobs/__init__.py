"""Styling jobs: ``state`` (the state machine), ``dispatch`` (the only module that enqueues),
``worker`` (what the task runs) and ``watchdog`` (jobs whose worker died)."""
