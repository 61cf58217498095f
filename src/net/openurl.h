/* openurl.h - open_urls: the sandbox asks the supervisor to open a URL in
 * the user's browser (an OAuth login, say), and the supervisor does so
 * outside the sandbox, for the allowed origins only (supervisor side; the
 * asking end is the exec shim run as xdg-open or BROWSER). */
#ifndef NONO_OPENURL_H
#define NONO_OPENURL_H

#include <stdbool.h>

#include "base/error.h"
#include "base/util.h"

struct nono_audit;

/* at most this many requests in progress; more are refused at once */
#define NONO_OPENURL_CONNS 8

struct nono_openurl_conn;

struct nono_openurl {
	struct nono_strv origins; /* "https://host[:port]", exact */
	bool localhost;		  /* http(s) to localhost, 127.0.0.1, [::1] */
	bool on;		  /* the profile asked for it */
	/* while a session runs */
	int fd;	    /* what the supervisor polls: an epoll set of the three below; -1 when none */
	int lfd;    /* the listening socket */
	int tfd;    /* a timerfd at the earliest request's deadline */
	char *dir;  /* private directory: the socket and the helper's names */
	char *sock; /* dir/supervisor.sock */
	/* xdg-open, found once (base/trusted.h): what runs, or why none does */
	int xdg;					     /* O_PATH descriptor, or -1 */
	char *xdg_path;					     /* its resolved path, when found */
	const char *xdg_why;				     /* static text: why it is not run */
	struct nono_strv env;				     /* what it is given of the environment */
	struct nono_openurl_conn *conns[NONO_OPENURL_CONNS]; /* requests being read */
};

void nono_openurl_init(struct nono_openurl *u);
/* Never run xdg-open in this session, with why (static text) as the
 * refusal's reason: the launch found the sandbox may change it. */
void nono_openurl_distrust(struct nono_openurl *u, const char *why);
/* Add an allowed origin; -EINVAL with err set unless it is https://host[:port]. */
int nono_openurl_add_origin(struct nono_openurl *u, const char *origin, const char *source, struct nono_error *err);
/* NULL when url may be opened, else why not (static text). */
const char *nono_openurl_check(const struct nono_openurl *u, const char *url);
/* Bind the socket in a fresh private directory, with links xdg-open and
 * nono-browser to the shim binary there. */
int nono_openurl_start(struct nono_openurl *u, const char *shim, struct nono_error *err);
/* Serve what is ready on u->fd, never blocking: accept new requests, read
 * what has arrived of each, answer the complete ones, and refuse those not
 * complete within 2 seconds or longer than 8 KiB. A request is complete at
 * its first newline or when the client shuts down its writing side. */
void nono_openurl_serve(struct nono_openurl *u, struct nono_audit *audit);
/* Close the sockets, remove the directory, free everything. */
void nono_openurl_free(struct nono_openurl *u);

#endif
