mem-max
web1
12q
