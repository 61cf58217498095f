/* loop.c - see loop.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <poll.h>

#include "supervisor/loop.h"

int
nono_loop_watch(struct nono_loop *l, int fd, nono_watch_fn fn, void *ctx)
{
	if (l->n == NONO_LOOP_MAX)
		return -ENOSPC;
	l->w[l->n].fd = fd;
	l->w[l->n].fn = fn;
	l->w[l->n].ctx = ctx;
	l->n++;
	return 0;
}

void
nono_loop_unwatch(struct nono_loop *l, int fd)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->w[i].fd == fd)
			l->w[i].fd = -1;
}

void
nono_loop_stop(struct nono_loop *l)
{
	l->stop = true;
}

/* drop what was unwatched meanwhile, keeping the order */
static void
compact(struct nono_loop *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->w[i].fd >= 0)
			l->w[k++] = l->w[i];
	l->n = k;
}

int
nono_loop_run(struct nono_loop *l)
{
	struct pollfd pf[NONO_LOOP_MAX];

	l->stop = false;
	while (!l->stop) {
		size_t n = l->n;

		for (size_t i = 0; i < n; i++)
			pf[i] = (struct pollfd){.fd = l->w[i].fd, .events = POLLIN};
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* a callback may watch more (at the end) or unwatch any */
		for (size_t i = 0; i < n; i++)
			if (pf[i].revents && l->w[i].fd == pf[i].fd)
				l->w[i].fn(l->w[i].ctx, pf[i].fd, pf[i].revents);
		compact(l);
	}
	return 0;
}
