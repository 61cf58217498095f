/* executor.h - worker threads that perform file and socket operations on
 * the sandbox's behalf (supervisor side).
 *
 * Each worker confines itself with the sandbox's own Landlock ruleset
 * before its first job (Landlock and no_new_privs are per thread), and has
 * its own umask and working directory (unshare(CLONE_FS); where a container
 * refuses that, the jobs that create give the new file its mode themselves:
 * nono_job_mode, nono_job_fix_mode). So whatever the supervisor performs
 * for the program (an open, an unlink, a rename, a TCP connect), the kernel
 * holds it to exactly the rules the program itself has: a mistake in the
 * supervisor's own checks cannot reach past the grants.
 *
 * A job that cannot block (an unlink, an open of a regular file) runs on the
 * one synchronous worker while the supervisor waits. A job that may block
 * (opening a FIFO, a blocking connect) runs on a worker of its own, which
 * answers the notification itself and then hands the job back through
 * nono_executor_done_fd(), so the supervisor's loop never stalls. */
#ifndef NONO_EXECUTOR_H
#define NONO_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nono_job;
/* The operation, run on a worker: >= 0 (a value, or with answer_fd a
 * descriptor of the supervisor's to install), or -errno. */
typedef long (*nono_job_fn)(struct nono_job *j);

struct nono_job {
	nono_job_fn fn;
	int fd[3];	    /* descriptors the operation uses, owned by the caller */
	long long arg[4];   /* flags, modes, lengths */
	const char *str[2]; /* names, owned by the caller */
	void *buf;	    /* data (sendto), owned by the caller */
	size_t len;
	const void *addr; /* a socket address (connect, sendto), owned by the caller */
	unsigned addrlen;
	int umask;	   /* applied on the worker for the job, -1: none */
	bool shared_umask; /* set by the worker: it could not apply umask (see nono_job_mode) */
	int install_at;	   /* >= 0: on success, fd[0] replaces the caller's descriptor of this number */
	long result;	   /* set when the job is done */
	/* for a job that may block: the worker answers the notification */
	int notify_fd;
	unsigned long long id;
	bool answer_fd;	 /* result is a descriptor to install (O_CLOEXEC with cloexec) */
	bool unconfined; /* run outside Landlock: a connect to the sandbox's own
			  * abstract socket, which Landlock's scope would refuse
			  * to a worker (the supervisor decided it) */
	bool cloexec;
	void *ctx; /* the caller's, for the completion */
	struct nono_job *next;
};

/* A job with no descriptors and no umask: set fn and what it uses. */
#define NONO_JOB(f)                                                                                                    \
	{                                                                                                              \
		.fn = (f), .fd = {-1, -1, -1}, .umask = -1, .install_at = -1                                           \
	}

struct nono_executor;

/* The mode to create a file with in job j: mode itself where the worker has
 * the program's umask, else mode less the program's umask (so never more
 * than the program asked while the supervisor's umask applies too). */
unsigned nono_job_mode(const struct nono_job *j, unsigned mode);
/* After j created a file (fd, or else leaf in dirfd, of type S_IF*): where
 * the worker could not have the program's umask, its permission bits made
 * what the program's umask leaves of mode (the kernel's setgid and sticky
 * bits kept). 0 or -errno; nothing to do otherwise. */
int nono_job_fix_mode(const struct nono_job *j, int fd, int dirfd, const char *leaf, unsigned type, unsigned mode);

struct nono_sandbox;

/* Start the synchronous worker, confined as the sandbox is (sandbox.h).
 * 0 or -errno. */
int nono_executor_start(struct nono_executor **out, const struct nono_sandbox *sandbox);
/* Run a job that cannot block and wait for it: its result. */
long nono_executor_call(struct nono_executor *ex, struct nono_job *j);
/* Hand a job that may block to a worker of its own, which answers j->id on
 * j->notify_fd. 0, or -errno (nothing started: the caller answers). */
int nono_executor_spawn(struct nono_executor *ex, struct nono_job *j);
/* Readable when spawned jobs are done; nono_executor_reap() returns each
 * once (NULL when none is waiting). */
int nono_executor_done_fd(const struct nono_executor *ex);
struct nono_job *nono_executor_reap(struct nono_executor *ex);
/* Spawned jobs still running. */
unsigned nono_executor_running(const struct nono_executor *ex);
/* Stop the synchronous worker (spawned ones still blocked are left to the
 * process's exit) and free. */
void nono_executor_stop(struct nono_executor *ex);

#endif
