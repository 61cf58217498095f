/* resolve.h - a sandboxed thread's path and descriptor arguments, resolved
 * in that thread's own context: its root, its working directory, its
 * descriptors, with the call's symlink rules (supervisor side).
 *
 * The supervisor never judges a path string and lets the program's call go
 * on: it resolves the argument here to an object (an O_PATH descriptor, or a
 * copy of the program's own descriptor), checks and journals that object,
 * and performs the operation on it. Names that mean something else to each
 * process (/proc/self, /proc/thread-self, /dev/fd, /dev/stdin...) are
 * translated to the program's own objects; any other magic link is refused,
 * so nothing is ever resolved through the supervisor's own /proc. */
#ifndef NONO_RESOLVE_H
#define NONO_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

/* The calling thread of one notification. */
struct nono_thread {
	int tid;	     /* in the supervisor's PID namespace */
	int pidfd;	     /* for pidfd_getfd: the thread's own, or its process's */
	int rootfd, cwdfd;   /* O_PATH, opened when needed */
	bool status_read;    /* the fields below are known */
	int tgid;	     /* in the supervisor's PID namespace */
	int ns_tgid, ns_tid; /* as the program sees them (its PID namespace) */
	unsigned umask;
};

void nono_thread_init(struct nono_thread *t, int tid);
void nono_thread_release(struct nono_thread *t);
/* A copy of the thread's descriptor fd: the same open file (CLOEXEC), or
 * -errno (-EBADF when it has no such descriptor; -EPERM or -ENOSYS where
 * pidfd_getfd is refused: a container without CAP_SYS_PTRACE). */
int nono_thread_getfd(struct nono_thread *t, int fd);
/* The object behind the thread's descriptor fd: a copy (*copy true), or
 * where pidfd_getfd is refused an O_PATH descriptor of the same object
 * (/proc/TID/fd/N), good for whatever reaches an object by its path. */
int nono_thread_fd_object(struct nono_thread *t, int fd, bool *copy);
/* The thread's umask, or -errno. */
int nono_thread_umask(struct nono_thread *t, unsigned *out);

enum {
	NONO_RES_FOLLOW = 1u << 0, /* follow a symlink in the last component */
	NONO_RES_EMPTY = 1u << 1,  /* an empty path names the directory descriptor itself */
	NONO_RES_PARENT = 1u << 2, /* resolve the directory holding the last component only */
};

/* A resolved path argument. */
struct nono_target {
	int dfd;      /* PARENT: O_PATH of the directory holding the leaf */
	char *leaf;   /* PARENT: the last component as given, trailing slashes kept */
	int ofd;      /* otherwise: the object (O_PATH, or a copy of the program's descriptor) */
	bool copy;    /* ofd is a copy of the program's descriptor (its open file) */
	char *canon;  /* canonical path of the object (PARENT: of dfd + leaf), NULL when it has none */
	bool deleted; /* the object (PARENT: the directory) has no name any more */
};

/* Resolve path relative to dirfd (AT_FDCWD or one of the thread's
 * descriptors) as the kernel would for thread t; resolve: the program's own
 * openat2 RESOLVE_* flags, if any. 0 or -errno, the error the call would
 * have returned (or -EPERM for a name the supervisor will not resolve). */
int nono_resolve(struct nono_target *out, struct nono_thread *t, long long dirfd, const char *path, unsigned how,
		 unsigned long long resolve);
void nono_target_free(struct nono_target *t);

/* The canonical path an open descriptor refers to, or NULL (pipes, sockets,
 * anonymous and deleted files); *deleted tells the last apart. */
char *nono_fd_path(int fd, bool *deleted);

/* Split path into its directory part (returned, "" for none) and its last
 * component with any trailing slashes (*leaf points into path). Pure. */
char *nono_path_split_leaf(const char *path, const char **leaf);

#endif
