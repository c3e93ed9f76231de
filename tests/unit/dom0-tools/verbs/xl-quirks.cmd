create
-n
xl-quirks.cfg
