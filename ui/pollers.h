/* pollers.h - the live panels' background work: the MX poll rounds and
 * the queue counts on both hosts, each in its own worker, posting
 * WZ_EV_MX / WZ_EV_QUEUE events that update app->live. */
#ifndef MX_POLLERS_H
#define MX_POLLERS_H

#include "events.h"
#include "wz.h"

void wz_pollers_start(struct wz_app *app);
void wz_pollers_stop(struct wz_app *app);
/* Once a second: start a round when one is due. */
void wz_pollers_tick(struct wz_app *app, time_t now);
/* A step changed something: poll again at the next tick. */
void wz_pollers_kick(void);
/* An MX/QUEUE/XFER event: update app->live. */
void wz_pollers_event(struct wz_app *app, const struct wz_event *ev);
/* A job ended: 1 when it was a poller's (then it is joined here). */
int wz_pollers_job_end(struct wz_app *app, struct wz_job *j);
/* How many poller jobs are running (they do not block quitting). */
int wz_pollers_count(void);

/* Questions from workers (password, host key): the worker posts a
 * WZ_EV_ASK with a struct wz_ask and waits; the prompt modal answers. */
struct wz_ask {
	int hostkey;		/* 1: confirm a host key; 0: a password */
	char host[256];
	char prompt[256];	/* the question, or the fingerprint line */
	char fingerprint[128];
	char old_fingerprint[128];
	int echo;
	char answer[256];	/* filled by the UI (never logged) */
	int result;		/* 0 answered/accepted, -1 refused */
	int done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};
/* Worker side: ask and wait (bounded by cancel). Returns 0 or -1. */
int wz_ask_wait(struct wz_job *j, struct wz_ask *q);
/* UI side: open the prompt for q (from a WZ_EV_ASK event). */
void wz_prompt_open(struct wz_app *app, struct wz_ask *q);

#endif
