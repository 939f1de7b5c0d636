/* events.h - workers talk to the UI thread through one queue.
 *
 * Engine work (DNS rounds, queue counts, transfers, step actions) runs in
 * worker threads. A worker never calls curses: it posts events, which
 * wake the UI thread's poll() through a pipe. The UI thread takes the
 * whole queue at once and hands each event to the frame and the screens.
 */
#ifndef MX_EVENTS_H
#define MX_EVENTS_H

#include <pthread.h>
#include <time.h>

enum wz_ev_type {
	WZ_EV_LOG,	/* text: a line for the status and the log */
	WZ_EV_STEP,	/* win, step, state, text: a step changed state */
	WZ_EV_PREVIEW,	/* win, step, text: the step's preview is ready */
	WZ_EV_MX,	/* data: struct wz_mx_round */
	WZ_EV_QUEUE,	/* data: struct wz_queue_counts, state 0 old 1 new */
	WZ_EV_XFER,	/* data: struct wz_xfer_summary */
	WZ_EV_USER,	/* data: struct wz_user_ev (window 4's table) */
	WZ_EV_ASK,	/* data: struct wz_ask (password or host key) */
	WZ_EV_JOB_END	/* data: the struct wz_job that ended */
};

/* Step states, shown in the checklists. */
enum wz_step_state { WZ_TODO, WZ_RUNNING, WZ_DONE, WZ_FAILED, WZ_SKIPPED };

struct wz_event {
	enum wz_ev_type type;
	int win, step, state;
	char *text;			/* owned by the event */
	void *data;			/* owned by the event */
	void (*free_data)(void *);
	struct wz_event *next;
};

/* Set up the queue and its wake-up pipe (UI thread, once). */
int wz_events_init(void);
void wz_events_shutdown(void);
/* The pipe's read end, for poll(); wz_events_drain empties it. */
int wz_events_fd(void);
void wz_events_drain(void);
/* Post (any thread); the queue takes ownership. text is copied. */
void wz_event_post(enum wz_ev_type type, int win, int step, int state,
    const char *text, void *data, void (*free_data)(void *));
/* Take every queued event (UI thread), oldest first. */
struct wz_event *wz_events_take(void);
void wz_event_free(struct wz_event *ev);
/* Wake the UI thread (any thread; async-signal-safe). */
void wz_events_wake(void);

/* A worker thread. fn runs in the thread; when it returns, a
 * WZ_EV_JOB_END event carries the job to the UI thread, which joins it
 * with wz_job_join. cancel is set when the wizard quits: long work checks
 * wz_job_cancelled() and returns early. */
struct wz_job {
	pthread_t tid;
	int win, step;
	int (*fn)(struct wz_job *j);
	void *arg;
	int result;
	volatile int cancel;
	struct wz_job *next;	/* the list of running jobs */
};
struct wz_job *wz_job_start(int win, int step, int (*fn)(struct wz_job *),
    void *arg);
int wz_job_cancelled(const struct wz_job *j);
void wz_job_join(struct wz_job *j);
/* Ask every job to stop (they end at their next check). */
void wz_jobs_cancel_all(void);
/* Cancel and join every job still running (at quit). */
void wz_jobs_stop_all(void);
int wz_jobs_running(void);
/* Jobs running a window's step (not previews, not the panels' polls). */
int wz_jobs_running_steps(void);

#endif
