uptime
-x
