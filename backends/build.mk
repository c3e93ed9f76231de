# backends: none yet (issue 4)
include backends/consoled/build.mk
include backends/lib/build.mk
include backends/blkback/build.mk
include backends/netback/build.mk
