# Man pages installed by make install (section from the suffix).
MAN_PAGES := \
	docs/man/xyl.1 \
	docs/man/xylem-hv.8
