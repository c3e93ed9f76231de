mem-set
web1
