help
events
