events
--json
now
