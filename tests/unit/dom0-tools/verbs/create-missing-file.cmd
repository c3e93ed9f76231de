create
/nonexistent.cfg
