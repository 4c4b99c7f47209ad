"""The ``fines`` command line: stage-independent entry for people.

``cli`` is the parser and entry point, ``arguments`` checks every argument, ``commands`` does
what each command says, and ``terminal`` prints data safely.
"""
