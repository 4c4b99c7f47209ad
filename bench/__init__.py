"""Benchmarks of the pipeline on synthetic feeds: ``python -m bench.run``. See BENCHMARKS.md."""
