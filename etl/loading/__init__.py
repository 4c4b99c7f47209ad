"""Into the warehouse: stage 4 of the data path.

``connection`` opens the warehouse and runs transactions; ``load`` owns migrations and the batch
load, ``stored_rates`` the stored rates and re-conversion; ``identity`` (pure) and
``merge`` make records of one decision one action, ``changes`` records what each run changed;
``review`` applies people's decisions and ``decisions`` reads them for a run; ``applied`` keeps
what each feed's last load went through; ``models`` builds and tests the SQL models (with ``sql``
and ``comments``); ``publish`` swaps in each new snapshot, which ``snapshot_copy`` starts copying
before the lock; ``export`` writes marts as Parquet.
"""
