# Man pages installed by make install (section from the suffix).
MAN_PAGES := \
	docs/man/xyl.1 \
	docs/man/xylem-blkback.8 \
	docs/man/xylem-consoled.8 \
	docs/man/xylem-hv.8 \
	docs/man/xylem-netback.8 \
	docs/man/xylem-sharedtimer.8 \
	docs/man/xylem-xenstored.8 \
	docs/man/xylem-xs-check.8
