"""Orchestration: one run over the stages, for the command line and the Airflow tasks alike.

``pipeline`` holds the batch and runs a feed through the stages; ``steps`` are the same stages
as Airflow tasks call them; ``progress`` reports them; ``faults`` holds the crash-test points.
"""
