/*
 * gk/errno.h: the errno values the guest kernel returns and checks.  They
 * are Xen's (public errno.h), which equal Linux's on x86; the static
 * assertions keep them tied to Xen's header.
 */
#ifndef GK_ERRNO_H
#define GK_ERRNO_H

#include <stdint.h>

#include <xen/errno.h>

#ifndef EPERM
#define EPERM	     1
#define ENOENT	     2
#define ESRCH	     3
#define EFAULT	     14
#define EBUSY	     16
#define ENODEV	     19
#define EEXIST	     17
#define EINVAL	     22
#define ENOSPC	     28
#define ERANGE	     34
#define ENAMETOOLONG 36
#define ENOSYS	     38
#define ETIME	     62
#define ENOMEM	     12
#define EAGAIN	     11
#endif

_Static_assert(EPERM == XEN_EPERM, "EPERM");
_Static_assert(ENOENT == XEN_ENOENT, "ENOENT");
_Static_assert(ESRCH == XEN_ESRCH, "ESRCH");
_Static_assert(EFAULT == XEN_EFAULT, "EFAULT");
_Static_assert(EBUSY == XEN_EBUSY, "EBUSY");
_Static_assert(ENODEV == XEN_ENODEV, "ENODEV");
_Static_assert(EEXIST == XEN_EEXIST, "EEXIST");
_Static_assert(EINVAL == XEN_EINVAL, "EINVAL");
_Static_assert(ENOSPC == XEN_ENOSPC, "ENOSPC");
_Static_assert(ERANGE == XEN_ERANGE, "ERANGE");
_Static_assert(ENAMETOOLONG == XEN_ENAMETOOLONG, "ENAMETOOLONG");
_Static_assert(ENOSYS == XEN_ENOSYS, "ENOSYS");
_Static_assert(ETIME == XEN_ETIME, "ETIME");
_Static_assert(ENOMEM == XEN_ENOMEM, "ENOMEM");
_Static_assert(EAGAIN == XEN_EAGAIN, "EAGAIN");

#endif
