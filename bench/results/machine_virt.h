/*
 * machine_virt.h - meta.virtualization: whether the machine that ran a sweep
 * is a virtual machine, and under which hypervisor. Two machines' figures
 * are read differently when one is a VM (the host moves and slows vCPUs),
 * so `contend compare` prints it among the identity differences.
 */
#ifndef CONTEND_MACHINE_VIRT_H
#define CONTEND_MACHINE_VIRT_H

#include <stddef.h>

#include <jansson.h>

/*
 * The hypervisor this process runs under: "kvm", "qemu" (TCG), "xen",
 * "vmware", "microsoft", "bhyve", ..., "none" when the machine says it is
 * not virtualised; NULL when nothing tells (then *reason says why).
 * Sources, first that answers: the x86 CPUID hypervisor bit and vendor
 * leaf 0x40000000, /sys/hypervisor/type, the DMI vendor and product names,
 * the device tree's hypervisor node. Containers are not virtualisation here:
 * they share the host's CPUs and caches.
 */
const char *machine_virtualization(char *buf, size_t len, const char **reason);

/* Set meta.virtualization (and meta.virtualization_unavailable_reason when
 * it is null) in META. */
void machine_virt_json(json_t *meta);

#endif
