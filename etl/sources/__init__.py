"""Where feeds come from: stage 1 of the data path.

``feeds`` reads the registry; ``fetch`` (with ``fetch_http``, ``landing``, ``limits`` and
``deadlines``) lands each payload unchanged, inflating and counting every byte against the
feed's limit within its deadline; ``extract`` lands one feed; ``inputs`` checks the paths a
command is given; ``workdir`` and ``workfiles`` own the per-run work folders.
"""
