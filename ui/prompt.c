/* prompt.c - questions from workers: a password (never echoed) or an
 * unknown host key to confirm by its fingerprint. The worker waits on the
 * question's condition variable; this modal answers it. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lineedit.h"
#include "pollers.h"
#include "wz.h"

struct prompt {
	struct wz_ask *q;
	struct wz_line line;
};

int
wz_ask_wait(struct wz_job *j, struct wz_ask *q)
{
	struct timespec ts;
	int r;

	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->done = 0;
	q->result = -1;
	wz_event_post(WZ_EV_ASK, j->win, j->step, 0, NULL, q, NULL);
	pthread_mutex_lock(&q->lock);
	while (!q->done && !wz_job_cancelled(j)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
	}
	r = q->done ? q->result : -1;
	pthread_mutex_unlock(&q->lock);
	/* A cancelled wait leaves q to the prompt, which the UI frees at
	 * quit before the worker is joined: the worker returns at once. */
	return r;
}

static void
answer(struct wz_ask *q, int result)
{
	pthread_mutex_lock(&q->lock);
	q->result = result;
	q->done = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

static void
prompt_draw(void *v, int lines, int cols)
{
	struct prompt *p = v;
	struct wz_ask *q = p->q;
	WINDOW *win;
	char buf[1024];
	int w, y = 2;

	(void)lines;
	if (q == NULL)		/* answered: closing */
		return;
	win = wz_modal_window(q->hostkey ? 12 : 8, cols > 84 ? 80 : cols - 4,
	    q->hostkey ? _("Host key") : _("Password"));
	if (win == NULL)
		return;
	w = getmaxx(win);
	if (q->hostkey) {
		snprintf(buf, sizeof buf, q->old_fingerprint[0] ?
		    _("The host key of %s has CHANGED. mxmove refuses to "
		    "connect: check the host, then fix known_hosts.") :
		    _("%s is not in known_hosts. Check this fingerprint with "
		    "the host's administrator before accepting it."), q->host);
		y += wz_wrap(win, y, 2, w - 4, 3, buf);
		y++;
		wattron(win, A_BOLD);
		wz_put(win, y++, 4, q->fingerprint, w - 6);
		wattroff(win, A_BOLD);
		if (q->old_fingerprint[0]) {
			snprintf(buf, sizeof buf, _("was: %s"),
			    q->old_fingerprint);
			wz_put(win, y++, 4, buf, w - 6);
		}
		y++;
		wz_put(win, y, 2, q->old_fingerprint[0] ? _("Esc closes") :
		    _("Accept and record it? y = yes, n = no"), w - 4);
	} else {
		snprintf(buf, sizeof buf, "%s: %s", q->host, q->prompt);
		y += wz_wrap(win, y, 2, w - 4, 2, buf);
		wz_line_draw(win, y + 1, 2, w - 4, &p->line, !q->echo);
		wattron(win, wz_attr(WZ_C_DIM));
		wz_put(win, y + 2, 2, q->echo ? _("Enter sends, Esc cancels") :
		    _("Typing is not shown. Enter sends, Esc cancels"), w - 4);
		wattroff(win, wz_attr(WZ_C_DIM));
	}
	wnoutrefresh(win);
	delwin(win);
}

/* Answer and let go: once answered, the worker owns q again and may
 * free it at once, so the prompt never touches it after this. */
static int
reply(struct prompt *p, int result)
{
	struct wz_ask *q = p->q;

	p->q = NULL;
	answer(q, result);
	return 0;
}

static int
prompt_key(void *v, enum wz_action a, int ch)
{
	struct prompt *p = v;
	struct wz_ask *q = p->q;

	if (q->hostkey) {
		if (a == WZ_A_YES && !q->old_fingerprint[0])
			return reply(p, 0);
		if (a == WZ_A_NO || a == WZ_A_QUIT)
			return reply(p, -1);
		return 1;
	}
	if (ch == 27) {
		wz_line_wipe(&p->line);
		return reply(p, -1);
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		snprintf(q->answer, sizeof q->answer, "%s", p->line.buf);
		wz_line_wipe(&p->line);
		return reply(p, 0);
	}
	wz_line_key(&p->line, ch);
	return 1;
}

static void
prompt_free(void *v)
{
	struct prompt *p = v;

	wz_line_wipe(&p->line);
	if (p->q != NULL && !p->q->done)
		answer(p->q, -1);
	free(p);
}

static const struct wz_modal_ops prompt_ops = {
	prompt_draw, prompt_key, prompt_free
};

void
wz_prompt_open(struct wz_app *app, struct wz_ask *q)
{
	struct prompt *p = calloc(1, sizeof *p);

	if (p == NULL) {
		answer(q, -1);
		return;
	}
	p->q = q;
	wz_modal_push(app, &prompt_ops, p);
}
