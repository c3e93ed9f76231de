pause
web1
