dmesg
-x
