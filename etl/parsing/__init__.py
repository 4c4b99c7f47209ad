"""From landed bytes to canonical rows: stage 2 of the data path.

``decoding`` and ``records`` turn bytes into records (encodings, swallowed lines, duplicate
keys); ``parsers`` reads each format, with ``news*`` extracting actions from news text;
``amounts`` reads numbers without guessing; ``platforms`` resolves platform names; ``transform``
maps, normalises and hands rows to ``validate`` (the Pandera contracts), ``suspect`` and ``held``
set aside what must be quarantined or reviewed.
"""
