create
-q
-n
xl-override.cfg
