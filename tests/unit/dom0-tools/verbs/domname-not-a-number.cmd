domname
web1
