/* wz.h - the wizard's shared types: the application, screens (the five
 * windows) and modals (confirm, help, form, log, prompts) as ops structs,
 * semantic colours, key actions, and column-aware text.
 *
 * Threads: everything here runs on the UI thread, except what events.h
 * and job.h say may be called from workers. No curses call happens
 * outside the UI thread.
 */
#ifndef MX_WZ_H
#define MX_WZ_H

#include <curses.h>
#include <time.h>

#include "events.h"
#include "plan.h"

struct wz_app;

/* Semantic colours: screens ask for a meaning, theme.c decides the look
 * (colour pairs, or bold/reverse/underline when NO_COLOR is set or the
 * terminal has no colours). */
enum wz_color {
	WZ_C_NORMAL,
	WZ_C_HEADER,	/* the step bar */
	WZ_C_CURRENT,	/* the current step in the bar */
	WZ_C_FOOTER,	/* the key bar */
	WZ_C_TITLE,	/* window and panel titles */
	WZ_C_OK,	/* done, agreeing, refused-as-wanted */
	WZ_C_WARN,	/* waiting, not available yet */
	WZ_C_ERR,	/* failed */
	WZ_C_RUN,	/* running */
	WZ_C_CHANGED,	/* a value that changed since the last round */
	WZ_C_DIM,	/* skipped, help text */
	WZ_C_CURSOR,	/* the selected row */
	WZ_C_BORDER,	/* frames and panel rules */
	WZ_C_NCOLORS
};
void wz_theme_init(void);
attr_t wz_attr(enum wz_color c);
int wz_theme_has_color(void);

/* Column-aware text (text.c). Widths are screen columns (wcwidth), not
 * bytes; invalid sequences count one column each. */
int wz_cols(const char *s);
/* Put s at y,x in at most maxcols columns; returns the columns used. */
int wz_put(WINDOW *w, int y, int x, const char *s, int maxcols);
/* The same, padding with spaces to exactly maxcols. */
void wz_put_pad(WINDOW *w, int y, int x, const char *s, int maxcols);
/* Word-wrap s into width columns from row y; at most maxlines rows
 * (maxlines <= 0: count only). Returns the rows the whole text needs. */
int wz_wrap(WINDOW *w, int y, int x, int width, int maxlines, const char *s);
/* Lines of text (newlines kept, long lines wrapped) in a box of h rows
 * from wrapped row skip. Returns the wrapped rows of the whole text; w
 * NULL: count only. */
int wz_text_box(WINDOW *w, int y, int x, int h, int width, const char *text,
    int skip);
/* Glyphs with an ASCII fallback outside UTF-8 locales. */
enum wz_glyph { WZ_G_TICK, WZ_G_CROSS, WZ_G_ARROW, WZ_G_RUN, WZ_G_DOT };
const char *wz_glyph(enum wz_glyph g);
/* "1h 02m 03s", "42s"; negative: "0s". */
void wz_fmt_dur(char *buf, size_t len, long secs);
/* "1.5 MiB" */
void wz_fmt_bytes(char *buf, size_t len, unsigned long long n);

/* Key actions (keys.c): key bindings are a table mapping keys to these. */
enum wz_action {
	WZ_A_NONE,
	WZ_A_QUIT,
	WZ_A_HELP,
	WZ_A_NEXT_WIN,
	WZ_A_PREV_WIN,
	WZ_A_UP,
	WZ_A_DOWN,
	WZ_A_PGUP,
	WZ_A_PGDN,
	WZ_A_HOME,
	WZ_A_END,
	WZ_A_TOGGLE,	/* check or uncheck a step */
	WZ_A_ALL,	/* check every step still to do */
	WZ_A_RUN,	/* preview, confirm and run the checked steps */
	WZ_A_SKIP,	/* mark the step skipped (or back to do) */
	WZ_A_PLAN,	/* the plan form */
	WZ_A_LOG,	/* the log view */
	WZ_A_SORT,	/* next sort column (tables) */
	WZ_A_REVERSE,	/* reverse the sort */
	WZ_A_OVERVIEW,	/* the overview of every account (windows 4, 5) */
	WZ_A_YES,
	WZ_A_NO,
	WZ_A_REDRAW,
	WZ_A_NCOUNT
};
enum wz_action wz_key_action(int ch);
/* The footer: "key label" pairs for the given actions, as many as fit. */
void wz_keys_footer(WINDOW *w, int y, int width, const enum wz_action *acts,
    int n);

/* A screen: one of the five windows. State is private to its file. */
struct wz_screen_ops {
	const char *title;	/* N_(): the step bar's name */
	const char *help;	/* N_(): a few lines for F1 */
	void *(*init)(struct wz_app *app);
	void (*draw)(void *st, WINDOW *w);	/* the body window */
	/* A key the frame did not take; returns 1 when used. */
	int (*key)(void *st, enum wz_action a, int ch);
	void (*event)(void *st, const struct wz_event *ev);
	void (*tick)(void *st, time_t now);	/* once a second */
	int (*done)(void *st);			/* every step done/skipped */
	void (*free)(void *st);
};
extern const struct wz_screen_ops wz_win_before, wz_win_accounts,
    wz_win_cutover, wz_win_transfer, wz_win_forward;
#define WZ_NWIN 5
/* The untranslated (N_) title of window i. */
const char *wz_win_title(int i);

/* A modal on top of the screen (confirm, help, form, log, prompts). */
struct wz_modal_ops {
	void (*draw)(void *st, int lines, int cols);	/* makes its window */
	/* Returns 1 to stay open, 0 to close (then free is called). */
	int (*key)(void *st, enum wz_action a, int ch);
	void (*free)(void *st);
};
void wz_modal_push(struct wz_app *app, const struct wz_modal_ops *ops,
    void *st);

/* A centred bordered window for a modal, h x w clamped to the screen;
 * title drawn in the top border. The caller deletes it. */
WINDOW *wz_modal_window(int h, int w, const char *title);

/* The live data the three panels show (panel-*.c draw them). */
#define WZ_MX_MAX 16
struct wz_mx_row {
	char server[64];	/* name server as queried */
	char line[192];		/* dig-style answer "example.com. 600 IN MX 10 ..." */
	unsigned long serial;
	time_t at;		/* when this answer came */
	int changed;		/* differs from the previous round */
	int failed;		/* no answer: line holds the reason */
};
struct wz_queue_counts {
	int known;
	char mta[16];
	long total;		/* messages in the queue */
	long a, b, c;		/* the first three counters */
	char labels[3][16];	/* what a, b, c mean for this MTA */
	char note[96];		/* why unknown */
	time_t at;
};
struct wz_xfer_summary {
	long users_total, users_done, users_failed;
	unsigned long long bytes_done, bytes_total;
	double rate;		/* bytes per second */
	long eta;		/* seconds, -1 unknown */
	char note[96];
};
struct wz_live {
	struct wz_mx_row mx[WZ_MX_MAX];
	int nmx;
	char mx_note[128];	/* why there is no poll yet */
	time_t mx_round;
	struct wz_queue_counts q_old, q_new;
	struct wz_xfer_summary xfer;
};

void wz_panel_mx_draw(WINDOW *w, const struct wz_live *l, time_t now);
void wz_panel_queue_draw(WINDOW *w, const struct wz_live *l, time_t now);
void wz_panel_xfer_draw(WINDOW *w, const struct wz_live *l);

/* The application: one per run, owned by wizard.c. */
struct wz_app {
	struct mx_plan *plan;
	char *plan_path;
	char *state_dir;	/* plan, log, demo lab live here */
	char *log_path;		/* the audit log */
	int demo;
	char *demo_dir;		/* the demo lab, or NULL */
	struct wz_live live;
	char status[256];	/* one-line message at the bottom */
	int status_err;
	int cur;		/* the current window */
	int quit;
};

/* Show a message in the status line (UI thread). */
void wz_status(struct wz_app *app, int is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append a line to the audit log (any thread; never a secret). */
void wz_log(struct wz_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Save the plan; a failure goes to the status line. */
int wz_save_plan(struct wz_app *app);
/* Is window i done (header tick)? */
int wz_win_done(struct wz_app *app, int i);
/* Go to window i. */
void wz_goto(struct wz_app *app, int i);

/* Modals. */
void wz_help_open(struct wz_app *app, const char *title, const char *text);
void wz_logview_open(struct wz_app *app);
/* The overview across all accounts (panel-overview.c). */
void wz_overview_open(struct wz_app *app);
void wz_form_open(struct wz_app *app);
/* Confirm: text is the preview (copied); on yes, cb(arg) runs on the UI
 * thread. */
void wz_confirm_open(struct wz_app *app, const char *title, const char *text,
    void (*cb)(void *arg), void *arg);

#endif
