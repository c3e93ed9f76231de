domname
0
