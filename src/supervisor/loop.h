/* loop.h - the supervisor's event loop: descriptors and what to do when
 * each is ready, polled together on one thread that never waits on any one
 * of them (supervisor side). The supervisor watches the listener and its
 * workers; the services of a launch (the child's signals and error pipe,
 * the kernel audit socket, open_urls) register theirs. */
#ifndef NONO_LOOP_H
#define NONO_LOOP_H

#include <stdbool.h>
#include <stddef.h>

/* Called with fd's poll revents (never 0). */
typedef void (*nono_watch_fn)(void *ctx, int fd, short revents);

#define NONO_LOOP_MAX 48

struct nono_loop {
	struct {
		int fd; /* -1: unwatched while the loop ran */
		nono_watch_fn fn;
		void *ctx;
	} w[NONO_LOOP_MAX];
	size_t n;
	bool stop;
};

/* Watch fd for input (and hang-ups, errors): each ready descriptor's fn
 * runs in the order they were watched. 0, or -ENOSPC. */
int nono_loop_watch(struct nono_loop *l, int fd, nono_watch_fn fn, void *ctx);
/* Stop watching fd (from a callback too); the caller closes it. */
void nono_loop_unwatch(struct nono_loop *l, int fd);
/* End nono_loop_run() once the descriptors ready now have been served. */
void nono_loop_stop(struct nono_loop *l);
/* Poll and serve until stopped (0), or until poll fails (-errno). */
int nono_loop_run(struct nono_loop *l);

#endif
