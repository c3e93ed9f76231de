top
-b
-i
0
