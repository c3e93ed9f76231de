destroy
web1
