"""Orchestration: one run over the stages, for the command line and the Airflow tasks alike.

``batch`` is the shape of a feed's batch and of a run's report; ``preparation`` parses, validates
and converts one feed's batch; ``pipeline`` runs feeds through the stages, leaving alone a feed
whose input is ``unchanged`` since its load; ``steps`` are the same stages as the Airflow tasks
call them; ``progress`` reports them; ``faults`` holds the crash-test points.
"""
