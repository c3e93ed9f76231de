network-attach
web1
mac=00:16:3e:00:00:01
foo=1
