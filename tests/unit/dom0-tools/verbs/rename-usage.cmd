rename
web1
