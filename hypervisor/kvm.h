/*
 * hypervisor/kvm.h: the thin layer over /dev/kvm: system fd probing, VM
 * creation with the devices every domain needs, memslots and vCPU fds.
 * Returns -errno from the failing ioctl.
 */
#ifndef HV_KVM_H
#define HV_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hv;
struct kvm_run;

/* Open /dev/kvm, check the API and the capabilities xylem-hv needs, and
 * fill hv->kvm_fd, tsc_khz, kvm_flavour, kvm_run_size. */
int kvm_open(struct hv *hv);
void kvm_close(struct hv *hv);
/* A VM with an in-kernel irqchip (LAPIC for upcall MSIs), TSS and
 * identity-map pages outside every memslot, and the MSR filter that sends
 * writes of XYL_HYPERCALL_MSR to user space. */
int kvm_vm_create(struct hv *hv, int *vm_fd);
int kvm_set_memslot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t bytes,
		    void *hva);
/* The same, read-only to the guest (KVM_MEM_READONLY): a guest store
 * there is an MMIO exit. */
int kvm_set_memslot_ro(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t bytes,
		       void *hva);
/* vCPU fd and its mapped kvm_run with sync regs enabled. */
int kvm_vcpu_create(struct hv *hv, int vm_fd, uint32_t id, int *fd,
		    struct kvm_run **run);
/* Inject a fixed, edge MSI for vector on the LAPIC with apic_id. */
int kvm_signal_msi(int vm_fd, uint32_t apic_id, uint8_t vector);
/* Register (assign) or drop a PIO ioeventfd on vm_fd: a guest `out` of
 * exactly `bytes` bytes to port whose value equals datamatch signals efd
 * inside the kernel, with no exit to user space.  -EEXIST the same match
 * is registered, -ENOSPC the VM's I/O bus is full, -ENOENT (deassign)
 * no such registration. */
int kvm_pio_ioeventfd(int vm_fd, uint16_t port, uint8_t bytes,
		      uint64_t datamatch, int efd, bool assign);
/* Read one MSR of a vCPU (only from the thread that owns it, or before it
 * runs). */
int kvm_get_msr(int vcpu_fd, uint32_t index, uint64_t *value);
int kvm_set_msr(int vcpu_fd, uint32_t index, uint64_t value);
/* Host TSC. */
uint64_t kvm_rdtsc(void);

#endif
