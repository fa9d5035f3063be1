/* machine_virt.c - meta.virtualization (machine_virt.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "machine_virt.h"

/* Known hypervisor names by what they report (CPUID vendor signature, DMI
 * vendor or product, /sys/hypervisor/type), matched as a prefix. */
static const struct {
	const char *said, *name;
} known[] = {
	{ "KVMKVMKVM", "kvm" }, { "TCGTCGTCGTCG", "qemu" }, { "XenVMMXenVMM", "xen" },
	{ "VMwareVMware", "vmware" }, { "Microsoft Hv", "microsoft" },
	{ "bhyve bhyve", "bhyve" }, { "ACRNACRNACRN", "acrn" }, { "VBoxVBoxVBox", "oracle" },
	{ " lrpepyh  vr", "parallels" }, { "Linux KVM Hv", "kvm" },
	{ "QEMU", "qemu" }, { "KVM", "kvm" }, { "VMware", "vmware" }, { "innotek", "oracle" },
	{ "VirtualBox", "oracle" }, { "Xen", "xen" }, { "xen", "xen" }, { "Amazon EC2", "amazon" },
	{ "Google Compute Engine", "google" }, { "Microsoft Corporation", "microsoft" },
};

static const char *known_name(const char *said)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(said, known[i].said, strlen(known[i].said)) == 0)
			return known[i].name;
	return NULL;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -1;
}

/* An unknown vendor's own words, lower case, printable only. */
static const char *as_name(const char *said, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *s = said; *s && n + 1 < len; s++)
		if (isprint((unsigned char)*s))
			buf[n++] = (char)tolower((unsigned char)*s);
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return n ? buf : "unknown";
}

const char *machine_virtualization(char *buf, size_t len, const char **reason)
{
	char line[128];
	const char *name;

	*reason = NULL;
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	/* CPUID.1:ECX bit 31 is reserved for hypervisors to set; bare metal
	 * reads 0, which is the one place "none" can be said with confidence. */
	if (__get_cpuid(1, &a, &b, &c, &d) && !(c & (1u << 31))) {
		snprintf(buf, len, "none");
		return buf;
	}
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		char sig[13];
		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = '\0';
		name = known_name(sig);
		snprintf(buf, len, "%s", name ? name : as_name(sig, line, sizeof(line)));
		return buf;
	}
#endif
	if (read_line("/sys/hypervisor/type", line, sizeof(line)) == 0) {
		name = known_name(line);
		snprintf(buf, len, "%s", name ? name : as_name(line, line, sizeof(line)));
		return buf;
	}
	static const char *const dmi[] = { "/sys/class/dmi/id/sys_vendor",
					   "/sys/class/dmi/id/product_name" };
	for (size_t i = 0; i < 2; i++)
		if (read_line(dmi[i], line, sizeof(line)) == 0 && (name = known_name(line))) {
			snprintf(buf, len, "%s", name);
			return buf;
		}
	/* aarch64 guests: the device tree names the hypervisor interface. */
	if (read_line("/proc/device-tree/hypervisor/compatible", line, sizeof(line)) == 0) {
		name = known_name(line);
		snprintf(buf, len, "%s", name ? name : as_name(line, line, sizeof(line)));
		return buf;
	}
	if (read_line("/proc/device-tree/compatible", line, sizeof(line)) == 0 &&
	    strcmp(line, "linux,dummy-virt") == 0) {
		snprintf(buf, len, "qemu"); /* the qemu `virt` board */
		return buf;
	}
	*reason = "no CPUID hypervisor bit on this architecture, and neither "
		  "/sys/hypervisor, DMI nor the device tree names a hypervisor";
	return NULL;
}

void machine_virt_json(json_t *meta)
{
	char buf[64];
	const char *reason, *v = machine_virtualization(buf, sizeof(buf), &reason);

	json_object_set_new(meta, "virtualization", v ? json_string(v) : json_null());
	if (!v)
		json_object_set_new(meta, "virtualization_unavailable_reason",
				    json_string(reason));
}
