create
-c
