mem-set
web1
-5
