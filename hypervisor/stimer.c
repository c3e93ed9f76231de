/*
 * hypervisor/stimer.c: the shared-timer page's memfd (stimer.h).  Owns
 * hv->stimer_fd and hv->stimer_hva.  xylem-hv never writes the page: its
 * mapping is PROT_READ, and guests see it through a read-only memslot.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xylem/sharedtimer.h"
#include "hv.h"
#include "stimer.h"

int
stimer_init(struct hv *hv)
{
	int fd, rc;
	void *p;

	fd = memfd_create("xylem-shared-timer",
			  MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	/* Sealed size: a dom0 peer holding the fd cannot shrink the page
	 * under a guest's memslot (which would SIGBUS xylem-hv). */
	if (ftruncate(fd, XYL_STIMER_BYTES) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) <
		    0) {
		rc = -errno;
		goto fail;
	}
	p = mmap(NULL, XYL_STIMER_BYTES, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto fail;
	}
	hv->stimer_fd = fd;
	hv->stimer_hva = p;
	return 0;
fail:
	close(fd);
	return rc;
}

void
stimer_fini(struct hv *hv)
{
	if (hv->stimer_hva)
		munmap(hv->stimer_hva, XYL_STIMER_BYTES);
	hv->stimer_hva = NULL;
	if (hv->stimer_fd >= 0)
		close(hv->stimer_fd);
	hv->stimer_fd = -1;
}
