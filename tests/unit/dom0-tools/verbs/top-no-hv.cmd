top
-b
-i
1
