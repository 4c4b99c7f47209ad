"""Into the warehouse: stage 4 of the data path.

``load`` owns the connection, migrations, rates and the batch load; ``identity`` (pure) and
``merge`` make records of one decision one action, ``changes`` records what each run changed;
``review`` applies people's decisions; ``models`` builds and tests the SQL models (with ``sql``
and ``comments``); ``publish`` swaps in each new snapshot; ``export`` writes marts as Parquet.
"""
