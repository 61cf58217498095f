/* caps.c - see sandbox.h: the capabilities a root process gives up before
 * it is confined ('nono run''s child and libnono's apply_self alike). */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

/* Capabilities a root process inside the sandbox loses: raw kernel memory,
 * modules, boot, kernel log, clock, device nodes, MAC, audit, BPF, tracing,
 * network and system administration, immutable flags, capability setting. */
static const int drop_caps[] = {
    CAP_SYS_RAWIO,
    CAP_SYS_MODULE,
    CAP_SYS_BOOT,
    CAP_SYSLOG,
    CAP_SYS_TIME,
    CAP_MKNOD,
    CAP_MAC_OVERRIDE,
    CAP_MAC_ADMIN,
    CAP_AUDIT_CONTROL,
    CAP_AUDIT_READ,
    CAP_BPF,
    CAP_PERFMON,
    CAP_SYS_PTRACE,
    CAP_NET_ADMIN,
    CAP_NET_RAW,
    CAP_SYS_ADMIN,
    CAP_LINUX_IMMUTABLE,
    CAP_SYS_TTY_CONFIG,
    CAP_CHECKPOINT_RESTORE,
    CAP_SETFCAP,
    CAP_WAKE_ALARM,
    CAP_BLOCK_SUSPEND,
    CAP_SETPCAP,
};

int
nono_sandbox_drop_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	/* one already out of the bounding set (another sandbox took it, and
	 * with it CAP_SETPCAP) needs no dropping */
	for (size_t i = 0; i < sizeof(drop_caps) / sizeof(drop_caps[0]); i++)
		if (prctl(PR_CAPBSET_READ, drop_caps[i], 0, 0, 0) > 0 &&
		    prctl(PR_CAPBSET_DROP, drop_caps[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(drop_caps) / sizeof(drop_caps[0]); i++) {
		int c = drop_caps[i];

		data[c / 32].effective &= ~(1U << (c % 32));
		data[c / 32].permitted &= ~(1U << (c % 32));
		data[c / 32].inheritable &= ~(1U << (c % 32));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}
