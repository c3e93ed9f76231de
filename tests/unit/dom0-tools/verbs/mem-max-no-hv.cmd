mem-max
web1
64m
