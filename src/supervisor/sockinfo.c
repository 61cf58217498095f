/* sockinfo.c - see sockinfo.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "supervisor/sockinfo.h"

#define SO_ACCEPTCON_FLAG 0x10000 /* __SO_ACCEPTCON in /proc/net/unix's Flags: listening */
#define UNIX_CONNECTED	  3	  /* SS_CONNECTED */
#define INET_CLOSE	  0x07	  /* TCP_CLOSE: not connected (UDP's unconnected state too) */
#define INET_LISTEN	  0x0a

bool
nono_sockinfo_unix_line(struct nono_sockinfo *out, const char *line, unsigned long ino)
{
	unsigned flags, type, st;
	unsigned long i;
	char path[8];
	int n;

	/* Num RefCount Protocol Flags Type St Inode [Path] */
	n = sscanf(line, "%*s %*s %*s %x %x %x %lu %7s", &flags, &type, &st, &i, path);
	if (n < 4 || i != ino)
		return false;
	out->type = (int)type;
	out->bound = n == 5;
	out->connected = st == UNIX_CONNECTED;
	out->listening = (flags & SO_ACCEPTCON_FLAG) != 0;
	return true;
}

bool
nono_sockinfo_inet_line(struct nono_sockinfo *out, const char *line, unsigned long ino)
{
	unsigned lport, rport, st;
	unsigned long i;

	/* sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode */
	if (sscanf(line, " %*s %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x %*s %*s %*s %*u %*u %lu", &lport, &rport, &st,
		   &i) != 4 ||
	    i != ino)
		return false;
	out->bound = lport != 0;
	out->listening = st == INET_LISTEN;
	out->connected = st != INET_CLOSE && st != INET_LISTEN;
	return true;
}

/* The line of table (under /proc/TID/net) for the socket, if any. */
static bool
find(struct nono_sockinfo *out, int tid, const char *table)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/net/%s", tid, table);
	if (!(f = fopen(path, "re")))
		return false;
	if (!fgets(line, sizeof(line), f)) { /* the header */
		fclose(f);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f))
		found = strcmp(table, "unix") == 0 ? nono_sockinfo_unix_line(out, line, out->ino)
						   : nono_sockinfo_inet_line(out, line, out->ino);
	fclose(f);
	return found;
}

/* O_NONBLOCK and close-on-exec, from /proc/TID/fdinfo/N */
static void
fd_flags(struct nono_sockinfo *out, int tid, int fd)
{
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tid, fd);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags:", 6)) {
			unsigned long fl = strtoul(line + 6, NULL, 8);

			out->nonblock = (fl & O_NONBLOCK) != 0;
			out->cloexec = (fl & O_CLOEXEC) != 0;
		}
	fclose(f);
}

int
nono_sockinfo_read(struct nono_sockinfo *out, int tid, int fd)
{
	static const struct {
		const char *proto, *table;
		int domain, type;
	} protos[] = {
	    {"UNIX", "unix", AF_UNIX, 0},
	    {"TCP", "tcp", AF_INET, SOCK_STREAM},
	    {"TCPv6", "tcp6", AF_INET6, SOCK_STREAM},
	    {"UDP", "udp", AF_INET, SOCK_DGRAM},
	    {"UDPv6", "udp6", AF_INET6, SOCK_DGRAM},
	};
	char path[64], target[64], proto[32];
	ssize_t n;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
	if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
		return errno == ENOENT ? -EBADF : -errno;
	target[n] = '\0';
	if (sscanf(target, "socket:[%lu]", &out->ino) != 1)
		return -ENOTSOCK;
	if ((n = getxattr(path, "system.sockprotoname", proto, sizeof(proto) - 1)) < 0)
		return -EPROTONOSUPPORT;
	proto[n] = '\0';
	/* a UNIX socket's is "UNIX", or "UNIX-STREAM" on newer kernels */
	if (!strncmp(proto, "UNIX-", 5))
		proto[4] = '\0';
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(proto, protos[i].proto) != 0)
			continue;
		out->domain = protos[i].domain;
		out->type = protos[i].type;
		/* a UNIX socket is always listed; an inet one once hashed
		 * (bound, connected, listening), else it is fresh */
		if (!find(out, tid, protos[i].table) && out->domain == AF_UNIX)
			return -EPROTONOSUPPORT;
		fd_flags(out, tid, fd);
		return out->type == SOCK_STREAM || out->type == SOCK_DGRAM || out->type == SOCK_SEQPACKET
			   ? 0
			   : -EPROTONOSUPPORT;
	}
	return -EPROTONOSUPPORT;
}
