create
-n
xl-disk.cfg
