create
-n
xl-manpage.cfg
