/* wizard.c - the frame of the five-window wizard and its event loop.
 *
 * Layout: the step bar (row 0), the current window's body, the three live
 * panels (MX poll, queues, transfer summary) below the body, or in a
 * column on the right when the terminal is wide, a status line and the
 * footer of keys. Modals (confirm, help, form, log, prompts) sit on top.
 *
 * One UI thread: poll() over the keyboard, the events' wake-up pipe and a
 * one-second timer for countdowns. Workers never touch curses.
 */
#include <config.h>

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "adapt.h"
#include "demo.h"
#include "i18n.h"
#include "pollers.h"
#include "stepwin.h"
#include "wizard.h"
#include "wz.h"

static const struct wz_screen_ops *const screens[WZ_NWIN] = {
	&wz_win_before, &wz_win_accounts, &wz_win_cutover, &wz_win_transfer,
	&wz_win_forward,
};

struct modal {
	const struct wz_modal_ops *ops;
	void *st;
	struct modal *below;
};

struct layout {
	WINDOW *header, *body, *status, *footer;
	WINDOW *pmx, *pq, *px;
	int too_small;
};

static struct {
	struct wz_app app;
	void *st[WZ_NWIN];
	struct modal *modal;
	struct layout lay;
	int dirty;
} W;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

const char *
wz_win_title(int i)
{
	return i >= 0 && i < WZ_NWIN ? screens[i]->title : "?";
}

void
wz_status(struct wz_app *app, int is_error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status, sizeof app->status, fmt, ap);
	va_end(ap);
	app->status_err = is_error;
	W.dirty = 1;
}

void
wz_log(struct wz_app *app, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	if (app->log_path == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	wz_adapt_log(app->log_path, text);
	pthread_mutex_unlock(&log_lock);
}

int
wz_save_plan(struct wz_app *app)
{
	struct mx_err err;

	if (mx_plan_save(app->plan, app->plan_path, &err) == -1) {
		wz_status(app, 1, "%s", err.msg);
		return -1;
	}
	return 0;
}

int
wz_win_done(struct wz_app *app, int i)
{
	(void)app;
	if (i < 0 || i >= WZ_NWIN || W.st[i] == NULL || !screens[i]->done)
		return 0;
	return screens[i]->done(W.st[i]);
}

void
wz_goto(struct wz_app *app, int i)
{
	if (i >= 0 && i < WZ_NWIN && i != app->cur) {
		app->cur = i;
		app->status[0] = '\0';
		W.dirty = 1;
	}
}

void
wz_modal_push(struct wz_app *app, const struct wz_modal_ops *ops, void *st)
{
	struct modal *m = calloc(1, sizeof *m);

	(void)app;
	if (m == NULL) {
		ops->free(st);
		return;
	}
	m->ops = ops;
	m->st = st;
	m->below = W.modal;
	W.modal = m;
	W.dirty = 1;
}

static void
modal_pop(void)
{
	struct modal *m = W.modal;

	if (m == NULL)
		return;
	W.modal = m->below;
	m->ops->free(m->st);
	free(m);
	W.dirty = 1;
}

WINDOW *
wz_modal_window(int h, int w, const char *title)
{
	WINDOW *win;

	if (h > LINES - 2)
		h = LINES - 2;
	if (w > COLS - 4)
		w = COLS - 4;
	if (h < 3)
		h = 3;
	if (w < 10)
		w = 10;
	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (win == NULL)
		return NULL;
	werase(win);
	wattron(win, wz_attr(WZ_C_BORDER));
	box(win, 0, 0);
	wattroff(win, wz_attr(WZ_C_BORDER));
	if (title != NULL) {
		wattron(win, wz_attr(WZ_C_TITLE));
		wz_put(win, 0, 2, " ", w - 4);
		wz_put(win, 0, 3, title, w - 6);
		waddch(win, ' ');
		wattroff(win, wz_attr(WZ_C_TITLE));
	}
	return win;
}

/* ---- layout ---- */

static void
layout_free(struct layout *l)
{
	WINDOW **ws[] = { &l->header, &l->body, &l->status, &l->footer,
		&l->pmx, &l->pq, &l->px };
	size_t i;

	for (i = 0; i < sizeof ws / sizeof ws[0]; i++)
		if (*ws[i] != NULL) {
			delwin(*ws[i]);
			*ws[i] = NULL;
		}
}

static void
layout_make(struct layout *l)
{
	int pw, bh, avail, qw, mxh;

	layout_free(l);
	l->too_small = COLS < 60 || LINES < 16;
	if (l->too_small)
		return;
	l->header = newwin(1, COLS, 0, 0);
	l->status = newwin(1, COLS, LINES - 2, 0);
	l->footer = newwin(1, COLS, LINES - 1, 0);
	avail = LINES - 3;
	if (COLS >= 150) {
		/* A column on the right: MX poll, queues, transfer. */
		pw = COLS / 2;
		if (pw > 110)
			pw = 110;
		mxh = avail - 4 - 6;
		l->body = newwin(avail, COLS - pw, 1, 0);
		l->pmx = newwin(mxh, pw, 1, COLS - pw);
		l->pq = newwin(4, pw, 1 + mxh, COLS - pw);
		l->px = newwin(6, pw, 1 + mxh + 4, COLS - pw);
		return;
	}
	bh = LINES >= 40 ? 12 : LINES >= 30 ? 9 : 7;
	qw = COLS >= 110 ? 44 : 30;
	l->body = newwin(avail - bh, COLS, 1, 0);
	l->pmx = newwin(bh, COLS - qw, 1 + avail - bh, 0);
	l->pq = newwin(3 + (bh >= 9), qw, 1 + avail - bh, COLS - qw);
	l->px = newwin(bh - 3 - (bh >= 9), qw, 1 + avail - bh + 3 + (bh >= 9),
	    COLS - qw);
}

/* ---- drawing ---- */

static int
header_width(int compact)
{
	int i, x = 1;
	char buf[160];

	for (i = 0; i < WZ_NWIN; i++) {
		if (compact && i != W.app.cur)
			snprintf(buf, sizeof buf, " %d%s ", i + 1,
			    wz_win_done(&W.app, i) ? wz_glyph(WZ_G_TICK) : "");
		else
			snprintf(buf, sizeof buf, " %d %s%s%s ", i + 1,
			    _(screens[i]->title), wz_win_done(&W.app, i) ?
			    " " : "", wz_win_done(&W.app, i) ?
			    wz_glyph(WZ_G_TICK) : "");
		x += wz_cols(buf) + 1;
	}
	return x;
}

static void
draw_header(WINDOW *w)
{
	int i, x = 1, cols = getmaxx(w), compact;
	char buf[160];
	const char *tag = W.app.demo ? _("mxmove demo") : "mxmove";

	compact = header_width(0) > cols;
	wbkgdset(w, ' ' | wz_attr(WZ_C_HEADER));
	werase(w);
	for (i = 0; i < WZ_NWIN && x < cols; i++) {
		int done = wz_win_done(&W.app, i);

		if (compact && i != W.app.cur)
			snprintf(buf, sizeof buf, " %d%s ", i + 1,
			    done ? wz_glyph(WZ_G_TICK) : "");
		else
			snprintf(buf, sizeof buf, " %d %s%s%s ", i + 1,
			    _(screens[i]->title), done ? " " : "",
			    done ? wz_glyph(WZ_G_TICK) : "");
		if (i == W.app.cur)
			wattron(w, wz_attr(WZ_C_CURRENT));
		x += wz_put(w, 0, x, buf, cols - x);
		if (i == W.app.cur)
			wattroff(w, wz_attr(WZ_C_CURRENT));
		x++;
	}
	if (cols - x > wz_cols(tag) + 2)
		wz_put(w, 0, cols - wz_cols(tag) - 1, tag, wz_cols(tag));
	wnoutrefresh(w);
}

static void
draw_footer(WINDOW *w)
{
	static const enum wz_action acts[] = { WZ_A_HELP, WZ_A_TOGGLE,
		WZ_A_RUN, WZ_A_SKIP, WZ_A_NEXT_WIN, WZ_A_PLAN, WZ_A_LOG,
		WZ_A_QUIT, WZ_A_PREV_WIN, WZ_A_ALL, WZ_A_PGDN };
	/* Windows 4 and 5 also open the overview of every account. */
	static const enum wz_action acts45[] = { WZ_A_HELP, WZ_A_TOGGLE,
		WZ_A_RUN, WZ_A_OVERVIEW, WZ_A_SKIP, WZ_A_NEXT_WIN, WZ_A_PLAN,
		WZ_A_LOG, WZ_A_QUIT, WZ_A_PREV_WIN, WZ_A_ALL, WZ_A_PGDN };
	int in45 = W.app.cur >= 3;

	wbkgdset(w, ' ' | wz_attr(WZ_C_FOOTER));
	werase(w);
	wz_keys_footer(w, 0, getmaxx(w), in45 ? acts45 : acts, in45 ?
	    (int)(sizeof acts45 / sizeof acts45[0]) :
	    (int)(sizeof acts / sizeof acts[0]));
	wnoutrefresh(w);
}

static void
draw_status(WINDOW *w)
{
	werase(w);
	if (W.app.status[0]) {
		wattron(w, wz_attr(W.app.status_err ? WZ_C_ERR : WZ_C_OK));
		wz_put(w, 0, 1, W.app.status, getmaxx(w) - 2);
		wattroff(w, wz_attr(W.app.status_err ? WZ_C_ERR : WZ_C_OK));
	} else if (wz_jobs_running_steps() > 0) {
		wattron(w, wz_attr(WZ_C_RUN));
		wz_put(w, 0, 1, _("Working..."), getmaxx(w) - 2);
		wattroff(w, wz_attr(WZ_C_RUN));
	}
	wnoutrefresh(w);
}

static void
draw_all(void)
{
	time_t now = time(NULL);
	struct modal *m, *stack[16];
	int n = 0, i;

	if (W.lay.too_small) {
		erase();
		mvaddnstr(0, 0, _("The terminal is too small: mxmove needs at "
		    "least 60 columns and 16 lines."), COLS);
		refresh();
		return;
	}
	wnoutrefresh(stdscr);
	draw_header(W.lay.header);
	screens[W.app.cur]->draw(W.st[W.app.cur], W.lay.body);
	wnoutrefresh(W.lay.body);
	wz_panel_mx_draw(W.lay.pmx, &W.app.live, now);
	wnoutrefresh(W.lay.pmx);
	wz_panel_queue_draw(W.lay.pq, &W.app.live, now);
	wnoutrefresh(W.lay.pq);
	wz_panel_xfer_draw(W.lay.px, &W.app.live);
	wnoutrefresh(W.lay.px);
	draw_status(W.lay.status);
	draw_footer(W.lay.footer);
	for (m = W.modal; m && n < 16; m = m->below)
		stack[n++] = m;
	for (i = n - 1; i >= 0; i--)
		stack[i]->ops->draw(stack[i]->st, LINES, COLS);
	doupdate();
}

/* ---- events ---- */

static void
dispatch(struct wz_event *ev)
{
	int i;

	switch (ev->type) {
	case WZ_EV_LOG:
		if (ev->text) {
			wz_status(&W.app, ev->state != 0, "%s", ev->text);
			wz_log(&W.app, "%s", ev->text);
		}
		break;
	case WZ_EV_MX:
	case WZ_EV_QUEUE:
	case WZ_EV_XFER:
		wz_pollers_event(&W.app, ev);
		break;
	case WZ_EV_ASK:
		wz_prompt_open(&W.app, ev->data);
		ev->data = NULL;	/* the prompt answers and frees it */
		break;
	default:
		break;
	}
	for (i = 0; i < WZ_NWIN; i++)
		if (W.st[i] && screens[i]->event)
			screens[i]->event(W.st[i], ev);
	if (ev->type == WZ_EV_JOB_END) {
		if (ev->win >= 0 && ev->step >= 0)
			wz_pollers_kick();	/* show what the step changed */
		if (!wz_pollers_job_end(&W.app, ev->data))
			wz_job_join(ev->data);
		ev->data = NULL;
	}
}

static void
take_events(void)
{
	struct wz_event *ev, *next;

	wz_events_drain();
	for (ev = wz_events_take(); ev; ev = next) {
		next = ev->next;
		dispatch(ev);
		wz_event_free(ev);
		W.dirty = 1;
	}
}

/* ---- keys ---- */

static void
quit_now(void *arg)
{
	(void)arg;
	W.app.quit = 1;
}

static void
frame_key(int ch)
{
	enum wz_action a = wz_key_action(ch);
	void *st = W.st[W.app.cur];

	if (W.modal != NULL) {
		if (!W.modal->ops->key(W.modal->st, a, ch))
			modal_pop();
		return;
	}
	if (ch >= '1' && ch < '1' + WZ_NWIN) {
		wz_goto(&W.app, ch - '1');
		return;
	}
	if (screens[W.app.cur]->key && screens[W.app.cur]->key(st, a, ch))
		return;
	switch (a) {
	case WZ_A_QUIT:
		if (wz_jobs_running_steps() > 0)
			wz_confirm_open(&W.app, _("Quit?"), _("A step is still "
			    "running. Quitting stops it; the next start resumes "
			    "from what the plan and the journal recorded."),
			    quit_now, NULL);
		else
			W.app.quit = 1;
		break;
	case WZ_A_HELP:
		wz_help_open(&W.app, _(screens[W.app.cur]->title),
		    _(screens[W.app.cur]->help));
		break;
	case WZ_A_NEXT_WIN:
		wz_goto(&W.app, W.app.cur < WZ_NWIN - 1 ? W.app.cur + 1 : 0);
		break;
	case WZ_A_PREV_WIN:
		wz_goto(&W.app, W.app.cur > 0 ? W.app.cur - 1 : WZ_NWIN - 1);
		break;
	case WZ_A_PLAN:
		wz_form_open(&W.app);
		break;
	case WZ_A_LOG:
		wz_logview_open(&W.app);
		break;
	case WZ_A_OVERVIEW:
		if (W.app.cur >= 3)
			wz_overview_open(&W.app);
		else
			wz_status(&W.app, 0, "%s", _("The overview of every "
			    "account opens from windows 4 and 5 (key v)."));
		break;
	case WZ_A_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

static void
handle_keys(void)
{
	int ch, resized = 0;

	while ((ch = getch()) != ERR) {
		if (ch == KEY_RESIZE) {
			resized = 1;	/* swallow the burst, then lay out */
			continue;
		}
		frame_key(ch);
		W.dirty = 1;
		if (W.app.quit)
			return;
	}
	if (resized) {
		layout_make(&W.lay);
		clearok(curscr, TRUE);
		W.dirty = 1;
	}
}

/* ---- start and stop ---- */

static struct sigaction old_winch;
static volatile sig_atomic_t got_signal;

/* INT, TERM, HUP: leave through the normal way out, so the terminal is
 * restored and the workers are stopped and joined. */
static void
on_quit_signal(int sig)
{
	got_signal = sig;
	wz_events_wake();
}

static void
on_winch(int sig)
{
	if (old_winch.sa_handler != SIG_DFL && old_winch.sa_handler != SIG_IGN &&
	    old_winch.sa_handler != NULL)
		old_winch.sa_handler(sig);
	wz_events_wake();
}

static char *
xdg_state_dir(void)
{
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	char buf[4096];

	if (x != NULL && *x == '/')
		snprintf(buf, sizeof buf, "%s/mxmove", x);
	else if (h != NULL && *h)
		snprintf(buf, sizeof buf, "%s/.local/state/mxmove", h);
	else
		snprintf(buf, sizeof buf, "/tmp/mxmove-%ld", (long)getuid());
	return strdup(buf);
}

static int
mkdirs(const char *path)
{
	char *d = strdup(path), *s;
	int r = 0;

	if (d == NULL)
		return -1;
	for (s = d + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(d, 0700) == -1 && errno != EEXIST)
				r = -1;
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(d);
	return r;
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

/* The plan, the log and (for --demo) the lab. Messages go to stderr:
 * the screen is not up yet. */
static int
app_setup(const struct mx_wizard_opts *o)
{
	struct wz_app *a = &W.app;
	struct mx_err err;

	a->demo = o->demo || o->demo_dir != NULL;
	a->state_dir = xdg_state_dir();
	if (a->demo) {
		a->demo_dir = o->demo_dir ? strdup(o->demo_dir) :
		    join(a->state_dir, "demo");
		if (a->demo_dir == NULL || mkdirs(a->demo_dir) == -1) {
			fprintf(stderr, _("%s: cannot create %s\n"), PACKAGE,
			    a->demo_dir ? a->demo_dir : "?");
			return -1;
		}
		if (mx_demo_build(a->demo_dir, &err) == -1) {
			fprintf(stderr, "%s: %s\n", PACKAGE, err.msg);
			return -1;
		}
		a->plan_path = o->plan ? strdup(o->plan) :
		    join(a->demo_dir, "plan");
		a->log_path = join(a->demo_dir, "audit.log");
	} else {
		if (mkdirs(a->state_dir) == -1) {
			fprintf(stderr, _("%s: cannot create %s\n"), PACKAGE,
			    a->state_dir);
			return -1;
		}
		a->plan_path = o->plan ? strdup(o->plan) :
		    join(a->state_dir, "plan");
		a->log_path = join(a->state_dir, "audit.log");
	}
	if (mx_plan_load(&a->plan, a->plan_path, &err) == -1) {
		if (err.code != MX_E_NOTFOUND) {
			fprintf(stderr, "%s: %s\n", PACKAGE, err.msg);
			return -1;
		}
		a->plan = mx_plan_new();
		if (a->plan == NULL)
			return -1;
		if (a->demo && mx_demo_plan(a->plan, a->demo_dir, &err) == -1) {
			fprintf(stderr, "%s: %s\n", PACKAGE, err.msg);
			return -1;
		}
		if (mx_plan_save(a->plan, a->plan_path, &err) == -1) {
			fprintf(stderr, "%s: %s\n", PACKAGE, err.msg);
			return -1;
		}
	}
	wz_log(a, "start%s plan=%s", a->demo ? " demo" : "", a->plan_path);
	return 0;
}

static void
app_free(void)
{
	struct wz_app *a = &W.app;

	mx_plan_free(a->plan);
	free(a->plan_path);
	free(a->state_dir);
	free(a->log_path);
	free(a->demo_dir);
}

static void
screen_start(void)
{
	struct sigaction sa;

	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	wz_theme_init();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, &old_winch);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	layout_make(&W.lay);
}

/* Milliseconds until the next whole second. */
static int
ms_to_tick(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int)(1000 - tv.tv_usec / 1000);
}

static void
loop(void)
{
	struct pollfd pfd[2];
	time_t last = time(NULL), now;
	int i;

	while (!W.app.quit) {
		if (W.dirty) {
			draw_all();
			W.dirty = 0;
		}
		pfd[0].fd = 0;
		pfd[0].events = POLLIN;
		pfd[1].fd = wz_events_fd();
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, ms_to_tick()) == -1 && errno != EINTR)
			break;
		if (got_signal) {
			wz_log(&W.app, "signal %d: quitting", (int)got_signal);
			break;
		}
		if (pfd[1].revents & POLLIN)
			take_events();
		handle_keys();	/* also picks up KEY_RESIZE after EINTR */
		if ((now = time(NULL)) != last) {
			last = now;
			for (i = 0; i < WZ_NWIN; i++)
				if (screens[i]->tick)
					screens[i]->tick(W.st[i], now);
			wz_pollers_tick(&W.app, now);
			W.dirty = 1;
		}
	}
}

int
mx_wizard_main(const struct mx_wizard_opts *o)
{
	int i;

	memset(&W, 0, sizeof W);
	if (app_setup(o) == -1) {
		app_free();
		return 1;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, _("%s: the wizard needs a terminal; for scripts "
		    "use the verbs or 'mxmove run --plan FILE'\n"), PACKAGE);
		app_free();
		return 2;
	}
	if (wz_events_init() == -1) {
		app_free();
		return 1;
	}
	screen_start();
	for (i = 0; i < WZ_NWIN; i++)
		W.st[i] = screens[i]->init(&W.app);
	wz_adapt_init(&W.app);
	wz_pollers_start(&W.app);
	if (mx_plan_complete(W.app.plan, &(struct mx_err){ 0 }) == -1)
		wz_form_open(&W.app);	/* a first start: the plan first */
	W.dirty = 1;
	loop();
	W.app.quit = 1;
	wz_pollers_stop(&W.app);
	while (W.modal)		/* answers a prompt a worker waits on */
		modal_pop();
	/* Let the workers end and hand back what they hold (bounded: 30 s;
	 * then the rest is joined as it is). */
	wz_jobs_cancel_all();
	for (i = 0; i < 300 && wz_jobs_running() > 0; i++) {
		struct pollfd p = { wz_events_fd(), POLLIN, 0 };

		poll(&p, 1, 100);
		take_events();
	}
	wz_events_shutdown();	/* joins whatever is left */
	wz_adapt_fini();
	for (i = 0; i < WZ_NWIN; i++)
		if (W.st[i])
			screens[i]->free(W.st[i]);
	layout_free(&W.lay);
	endwin();
	wz_log(&W.app, "quit");
	app_free();
	return got_signal ? 128 + got_signal : 0;
}
