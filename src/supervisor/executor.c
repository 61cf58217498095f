/* executor.c - see executor.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "sandbox/sandbox.h"
#include "supervisor/executor.h"
#include "supervisor/notify.h"

/* workers spawned for jobs that may block, at most this many at once */
#define MAX_SPAWNED 64

struct nono_executor {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t sync;
	bool have_sync, stop;
	struct nono_job *job; /* the synchronous worker's, NULL when idle */
	bool job_done;
	const struct nono_sandbox *sandbox;
	int confine_err; /* the synchronous worker could not confine itself */
	int done_pipe[2];
	unsigned running;
};

/* Confine the calling thread as the sandbox is confined. 0 or -errno;
 * *shared: it has no umask of its own (a container refuses unshare). */
static int
confine(const struct nono_executor *ex, bool *shared)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	/* a private umask and working directory: the jobs set the program's */
	*shared = false;
	if (unshare(CLONE_FS) < 0) {
		if (errno != EPERM && errno != ENOSYS)
			return -errno;
		*shared = true;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return nono_sandbox_confine_thread(ex->sandbox);
}

static long
run(struct nono_job *j, bool shared)
{
	j->shared_umask = shared;
	if (j->umask >= 0 && !shared)
		umask((mode_t)j->umask);
	return j->fn(j);
}

unsigned
nono_job_mode(const struct nono_job *j, unsigned mode)
{
	return j->shared_umask && j->umask >= 0 ? mode & ~(unsigned)j->umask : mode;
}

int
nono_job_fix_mode(const struct nono_job *j, int fd, int dirfd, const char *leaf, unsigned type, unsigned mode)
{
	char pp[32];
	struct stat st;
	int o = fd, r = 0;
	mode_t want;

	if (!j->shared_umask || j->umask < 0)
		return 0;
	/* the new file itself, never a name swapped in meanwhile */
	if (fd < 0 && (o = openat(dirfd, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(o, &st) < 0) {
		r = -errno;
	} else if ((st.st_mode & S_IFMT) == (type & S_IFMT)) {
		want = (st.st_mode & 07000) | (mode & ~(unsigned)j->umask & 0777);
		snprintf(pp, sizeof(pp), "/proc/self/fd/%d", o);
		if ((st.st_mode & 07777) != want && chmod(pp, want) < 0)
			r = -errno;
	}
	if (o != fd)
		close(o);
	return r;
}

static void *
sync_worker(void *arg)
{
	struct nono_executor *ex = arg;
	bool shared;
	int err = confine(ex, &shared);

	pthread_mutex_lock(&ex->mu);
	ex->confine_err = err;
	pthread_cond_broadcast(&ex->done);
	for (;;) {
		struct nono_job *j;

		while (!ex->job && !ex->stop)
			pthread_cond_wait(&ex->work, &ex->mu);
		if (ex->stop)
			break;
		j = ex->job;
		pthread_mutex_unlock(&ex->mu);
		j->result = err < 0 ? -EPERM : run(j, shared);
		pthread_mutex_lock(&ex->mu);
		ex->job = NULL;
		ex->job_done = true;
		pthread_cond_broadcast(&ex->done);
	}
	pthread_mutex_unlock(&ex->mu);
	return NULL;
}

int
nono_executor_start(struct nono_executor **out, const struct nono_sandbox *sandbox)
{
	struct nono_executor *ex = xcalloc(1, sizeof(*ex));
	int r;

	pthread_mutex_init(&ex->mu, NULL);
	pthread_cond_init(&ex->work, NULL);
	pthread_cond_init(&ex->done, NULL);
	ex->sandbox = sandbox;
	ex->confine_err = 1; /* not yet known */
	if (pipe2(ex->done_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		r = -errno;
		free(ex);
		return r;
	}
	if ((r = pthread_create(&ex->sync, NULL, sync_worker, ex)) != 0) {
		close(ex->done_pipe[0]);
		close(ex->done_pipe[1]);
		free(ex);
		return -r;
	}
	ex->have_sync = true;
	pthread_mutex_lock(&ex->mu);
	while (ex->confine_err == 1)
		pthread_cond_wait(&ex->done, &ex->mu);
	r = ex->confine_err;
	pthread_mutex_unlock(&ex->mu);
	if (r < 0)
		log_warn("supervisor: its worker cannot confine itself (%s); operations it would perform for the "
			 "sandbox are refused",
			 strerror(-r));
	*out = ex;
	return 0;
}

long
nono_executor_call(struct nono_executor *ex, struct nono_job *j)
{
	pthread_mutex_lock(&ex->mu);
	ex->job = j;
	ex->job_done = false;
	pthread_cond_signal(&ex->work);
	while (!ex->job_done)
		pthread_cond_wait(&ex->done, &ex->mu);
	pthread_mutex_unlock(&ex->mu);
	return j->result;
}

/* Answer the notification for a spawned job, as the caller would. */
static void
answer(struct nono_job *j)
{
	if (j->install_at >= 0 && (j->result >= 0 || j->result == -EINPROGRESS)) {
		int r = nono_notif_setfd(j->notify_fd, j->id, j->fd[0], j->install_at, j->cloexec);

		if (r < 0) {
			j->result = r == -ENOENT ? r : -EBADF;
			nono_notif_answer(j->notify_fd, j->id, 0, r == -ENOENT ? EINTR : EBADF);
			return;
		}
	}
	if (j->result >= 0 && j->answer_fd) {
		int fd = (int)j->result, r = nono_notif_addfd(j->notify_fd, j->id, fd, j->cloexec);

		close(fd);
		j->result = r;
		if (r < 0)
			nono_notif_answer(j->notify_fd, j->id, 0, r == -ENOENT ? EINTR : EMFILE);
		return;
	}
	nono_notif_answer(j->notify_fd, j->id, j->result >= 0 ? j->result : 0, j->result < 0 ? (int)-j->result : 0);
}

struct spawned {
	struct nono_executor *ex;
	struct nono_job *job;
};

static void *
spawned_worker(void *arg)
{
	struct spawned *s = arg;
	struct nono_executor *ex = s->ex;
	struct nono_job *j = s->job;
	bool shared = false;
	int err = j->unconfined ? 0 : confine(ex, &shared);
	ssize_t w;

	free(s);
	j->result = err < 0 ? -EPERM : run(j, shared);
	answer(j);
	pthread_mutex_lock(&ex->mu);
	ex->running--;
	pthread_mutex_unlock(&ex->mu);
	/* the pipe holds far more than MAX_SPAWNED pointers */
	w = write(ex->done_pipe[1], &j, sizeof(j));
	(void)w;
	return NULL;
}

int
nono_executor_spawn(struct nono_executor *ex, struct nono_job *j)
{
	struct spawned *s;
	pthread_attr_t attr;
	pthread_t th;
	int r;

	pthread_mutex_lock(&ex->mu);
	if (ex->running >= MAX_SPAWNED) {
		pthread_mutex_unlock(&ex->mu);
		return -EAGAIN;
	}
	ex->running++;
	pthread_mutex_unlock(&ex->mu);
	s = xmalloc(sizeof(*s));
	s->ex = ex;
	s->job = j;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	r = pthread_create(&th, &attr, spawned_worker, s);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		free(s);
		pthread_mutex_lock(&ex->mu);
		ex->running--;
		pthread_mutex_unlock(&ex->mu);
		return -r;
	}
	return 0;
}

int
nono_executor_done_fd(const struct nono_executor *ex)
{
	return ex ? ex->done_pipe[0] : -1;
}

struct nono_job *
nono_executor_reap(struct nono_executor *ex)
{
	struct nono_job *j;

	if (read(ex->done_pipe[0], &j, sizeof(j)) != (ssize_t)sizeof(j))
		return NULL;
	return j;
}

unsigned
nono_executor_running(const struct nono_executor *ex)
{
	unsigned n;

	pthread_mutex_lock((pthread_mutex_t *)&ex->mu);
	n = ex->running;
	pthread_mutex_unlock((pthread_mutex_t *)&ex->mu);
	return n;
}

void
nono_executor_stop(struct nono_executor *ex)
{
	if (!ex)
		return;
	if (ex->have_sync) {
		pthread_mutex_lock(&ex->mu);
		ex->stop = true;
		pthread_cond_signal(&ex->work);
		pthread_mutex_unlock(&ex->mu);
		pthread_join(ex->sync, NULL);
	}
	/* a spawned worker still blocked keeps ex alive: leave it to exit */
	if (nono_executor_running(ex) == 0) {
		close(ex->done_pipe[0]);
		close(ex->done_pipe[1]);
		pthread_cond_destroy(&ex->work);
		pthread_cond_destroy(&ex->done);
		pthread_mutex_destroy(&ex->mu);
		free(ex);
	}
}
