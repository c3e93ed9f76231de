mem-max
web1
1x
