"""Development and test tools, kept out of the shop's installed apps and out of the image.

``pytest_plugin`` (loaded with ``-p devkit.pytest_plugin`` before settings), ``worker``
(a real Celery worker subprocess), ``browser`` (headless Chromium that fails a test on
any CSP violation), ``stripe`` (signing and the emulator launcher for tests) and
``stripe_emulator`` (``python -m devkit.stripe_emulator``, started by ``make run``).
Nothing under ``shop``, ``catalog``, ``styling``, ``orders``, ``printing``, ``accounts``
or ``showcase`` imports this package outside their tests.
"""
