mem-max
web1
