/* events.c - the event queue, its wake-up pipe, and worker threads. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static struct wz_event *qhead, **qtail = &qhead;
static int wake[2] = { -1, -1 };
static struct wz_job *jobs;	/* running or ended, not yet joined */

int
wz_events_init(void)
{
	int i;

	if (pipe(wake) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(wake[i], F_SETFL, fcntl(wake[i], F_GETFL) | O_NONBLOCK);
		fcntl(wake[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

void
wz_events_shutdown(void)
{
	struct wz_event *ev, *next;

	wz_jobs_stop_all();
	for (ev = wz_events_take(); ev; ev = next) {
		next = ev->next;
		if (ev->type == WZ_EV_JOB_END)
			ev->data = NULL;	/* joined and freed already */
		wz_event_free(ev);
	}
	if (wake[0] != -1) {
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
	}
}

int
wz_events_fd(void)
{
	return wake[0];
}

void
wz_events_drain(void)
{
	char buf[256];

	while (read(wake[0], buf, sizeof buf) > 0)
		;
}

void
wz_events_wake(void)
{
	int e = errno;
	ssize_t r;

	if (wake[1] != -1)
		r = write(wake[1], "x", 1);	/* full pipe: already awake */
	(void)r;
	errno = e;
}

void
wz_event_post(enum wz_ev_type type, int win, int step, int state,
    const char *text, void *data, void (*free_data)(void *))
{
	struct wz_event *ev = calloc(1, sizeof *ev);

	if (ev == NULL) {
		if (free_data)
			free_data(data);
		return;
	}
	ev->type = type;
	ev->win = win;
	ev->step = step;
	ev->state = state;
	ev->text = text ? strdup(text) : NULL;
	ev->data = data;
	ev->free_data = free_data;
	pthread_mutex_lock(&qlock);
	*qtail = ev;
	qtail = &ev->next;
	pthread_mutex_unlock(&qlock);
	wz_events_wake();
}

struct wz_event *
wz_events_take(void)
{
	struct wz_event *all;

	pthread_mutex_lock(&qlock);
	all = qhead;
	qhead = NULL;
	qtail = &qhead;
	pthread_mutex_unlock(&qlock);
	return all;
}

void
wz_event_free(struct wz_event *ev)
{
	if (ev == NULL)
		return;
	if (ev->free_data && ev->data)
		ev->free_data(ev->data);
	free(ev->text);
	free(ev);
}

static void *
job_main(void *arg)
{
	struct wz_job *j = arg;

	j->result = j->fn(j);
	wz_event_post(WZ_EV_JOB_END, j->win, j->step, j->result, NULL, j, NULL);
	return NULL;
}

struct wz_job *
wz_job_start(int win, int step, int (*fn)(struct wz_job *), void *arg)
{
	struct wz_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->win = win;
	j->step = step;
	j->fn = fn;
	j->arg = arg;
	if (pthread_create(&j->tid, NULL, job_main, j) != 0) {
		free(j);
		return NULL;
	}
	j->next = jobs;
	jobs = j;
	return j;
}

int
wz_job_cancelled(const struct wz_job *j)
{
	return j->cancel;
}

void
wz_job_join(struct wz_job *j)
{
	struct wz_job **pp;

	for (pp = &jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	pthread_join(j->tid, NULL);
	free(j);
}

void
wz_jobs_cancel_all(void)
{
	struct wz_job *j;

	for (j = jobs; j; j = j->next)
		j->cancel = 1;
}

void
wz_jobs_stop_all(void)
{
	struct wz_job *j, *next;

	for (j = jobs; j; j = j->next)
		j->cancel = 1;
	for (j = jobs; j; j = next) {
		next = j->next;
		pthread_join(j->tid, NULL);
		free(j);
	}
	jobs = NULL;
}

int
wz_jobs_running_steps(void)
{
	struct wz_job *j;
	int n = 0;

	for (j = jobs; j; j = j->next)
		n += j->win >= 0 && j->step >= 0;
	return n;
}

int
wz_jobs_running(void)
{
	struct wz_job *j;
	int n = 0;

	for (j = jobs; j; j = j->next)
		n++;
	return n;
}
