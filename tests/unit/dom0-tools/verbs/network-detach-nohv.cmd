network-detach
web1
0
