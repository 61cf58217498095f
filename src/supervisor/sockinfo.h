/* sockinfo.h - what /proc says of a sandboxed thread's socket, for where the
 * supervisor cannot copy the socket itself (a container refuses
 * pidfd_getfd): its family and type (the socket's "system.sockprotoname"
 * attribute, and /proc/net/unix for a UNIX socket's type), whether it is
 * bound, connected or listening (/proc/TID/net/{unix,tcp,tcp6,udp,udp6}, by
 * its inode), and its descriptor's O_NONBLOCK and close-on-exec flags
 * (/proc/TID/fdinfo) (supervisor side). */
#ifndef NONO_SOCKINFO_H
#define NONO_SOCKINFO_H

#include <stdbool.h>

struct nono_sockinfo {
	unsigned long ino;
	int domain, type; /* AF_UNIX, AF_INET, AF_INET6; SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	bool bound, connected, listening;
	bool nonblock, cloexec;
};

/* The socket behind thread tid's descriptor fd. 0; -ENOTSOCK; -EBADF;
 * -EPROTONOSUPPORT for a protocol other than UNIX, TCP and UDP (netlink,
 * raw, SCTP...), which the supervisor cannot make again. */
int nono_sockinfo_read(struct nono_sockinfo *out, int tid, int fd);

/* One line of /proc/net/unix, or of tcp, tcp6, udp, udp6: false when it is
 * not inode ino's; else its state filled in. Pure. */
bool nono_sockinfo_unix_line(struct nono_sockinfo *out, const char *line, unsigned long ino);
bool nono_sockinfo_inet_line(struct nono_sockinfo *out, const char *line, unsigned long ino);

#endif
