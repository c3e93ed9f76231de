domid
Domain-0
