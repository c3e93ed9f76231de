/*
 * tests/lib/fake_events_world.h: the world the event-channel and grant-table
 * units see, faked for their unit tests: domains with malloc'd RAM and
 * special area, the domain table, vcpu_kick counters, guest copies (gva ==
 * gpa), memory aliases and an epoll loop that tests drive by hand.
 */
#ifndef TESTS_FAKE_EVENTS_WORLD_H
#define TESTS_FAKE_EVENTS_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "hv.h"

#define FAKE_RAM_BYTES	     (1u << 20) /* 256 pages */
#define FAKE_SHARED_INFO_GPA 0x10000u	/* where the guest put it */

/* A hv with an empty domain table (heap: struct hv is large). */
struct hv *fake_hv_new(void);
void fake_hv_free(struct hv *hv);

/* A domain in hv's table; no event channels or grant table yet. */
struct domain *fake_domain_new(struct hv *hv, xyl_domid_t domid,
			       uint32_t nr_vcpus);
/* Take it out of the table and free it (its evtchn/gnttab first). */
void fake_domain_free(struct domain *d);
/* The guest maps shared_info at FAKE_SHARED_INFO_GPA (vcpu_info too). */
void fake_domain_map_shared_info(struct domain *d);

/* vcpu_kick() calls seen for v since the last reset. */
unsigned fake_kicks(struct vcpu *v);
void fake_kicks_reset(void);

/* memory_alias_gfn() calls: the last gfn and hva, and how many. */
unsigned fake_alias_count(void);
uint64_t fake_alias_last_gfn(void);
void *fake_alias_last_hva(void);
/* Make the next memory_alias_gfn() fail with rc (0 = succeed). */
void fake_alias_fail_next(int rc);

/* The fake KVM PIO ioeventfds (kvm_pio_ioeventfd): registrations on a
 * VM (fake domains have vm_fd FAKE_VM_FD_BASE + domid); how many there
 * are; ring: what the kernel does on a guest write of value, i.e. signal
 * the matching eventfd (true) or report an exit to user space (false). */
#define FAKE_VM_FD_BASE 1000
unsigned fake_ioeventfd_count(int vm_fd);
bool fake_ioeventfd_ring(int vm_fd, uint16_t port, uint8_t bytes,
			 uint64_t value);
/* Make the next assign fail with rc (0 = succeed). */
void fake_ioeventfd_fail_next(int rc);
/* log_msg/log_guest calls so far. */
unsigned fake_log_count(void);

/* The fake loop: fds registered with loop_add. */
bool fake_loop_has(int fd);
/* Run fd's callback as the loop would on readiness; false if none. */
bool fake_loop_fire(int fd);
unsigned fake_loop_count(void);
/* Run every registered callback once; returns how many. */
unsigned fake_loop_fire_all(void);

#endif
