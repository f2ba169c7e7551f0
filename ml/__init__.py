"""Retrocel's styling and upscaling engine: a small pure-PyTorch library.

It must never import Django (a test checks this), so the worker, the CLI and
benchmarks can use it on their own.
"""
