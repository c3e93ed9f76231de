info
now
