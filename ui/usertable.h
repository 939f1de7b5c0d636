/* usertable.h - window 4's per-user table: state, messages, bytes, rate,
 * ETA, errors; scrollable and sortable, drawing only the rows on screen
 * so that 10,000 users cost nothing between keys. */
#ifndef MX_USERTABLE_H
#define MX_USERTABLE_H

#include <curses.h>

#include "wz.h"

struct wz_user_row {
	char name[128];		/* user@domain or login */
	int state;		/* enum wz_step_state */
	long msgs, msgs_total;
	unsigned long long bytes, bytes_total;
	double rate;		/* bytes/s */
	long eta;		/* s, -1 unknown */
	long errors;
	char error[160];	/* the last error */
};

/* A WZ_EV_USER event's data: one row by id; id -1 with n rows resets
 * the table to the rows given; id -2 does so only when it is empty. */
struct wz_user_ev {
	int id;
	int n;
	struct wz_user_row *rows;
};
void wz_user_ev_free(void *p);

enum wz_user_col { WZ_UC_NAME, WZ_UC_STATE, WZ_UC_MSGS, WZ_UC_BYTES,
	WZ_UC_RATE, WZ_UC_ETA, WZ_UC_ERRORS, WZ_UC_N };

struct wz_usertable;
struct wz_usertable *wz_usertable_new(void);
void wz_usertable_free(struct wz_usertable *t);
void wz_usertable_apply(struct wz_usertable *t, const struct wz_user_ev *ev);
int wz_usertable_count(const struct wz_usertable *t);
/* Draw h rows (a header and the rows) at y in w. */
void wz_usertable_draw(struct wz_usertable *t, WINDOW *w, int y, int h,
    int width);
/* PgUp/PgDn/Home/End scroll, o next sort column, r reverse. */
int wz_usertable_key(struct wz_usertable *t, enum wz_action a);

#endif
