"""The one base class of errors a user can fix: the command line prints them as one line.

Kept free of imports so that the command line can name it without loading the pipeline.
"""


class UserError(Exception):
    """A problem with the input, the settings or the warehouse, stated in one line that names it."""
