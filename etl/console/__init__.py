"""The ``fines`` command line.

``cli`` is the parser and entry point, ``arguments`` checks every argument, ``commands`` does
what each command says, ``tables`` prints the marts as text, and ``terminal`` prints data safely.
"""
