/* checklist.h - the checklist widget: a window's steps, each with a state
 * (to do, running, done, failed, skipped) and a check box; the cursor
 * picks the step whose preview is shown. Like dialog's checklist. */
#ifndef MX_CHECKLIST_H
#define MX_CHECKLIST_H

#include <curses.h>

#include "wz.h"

struct wz_check_item {
	const char *label;	/* translated text */
	int state;		/* enum wz_step_state */
	int checked;
	const char *note;	/* last result, or NULL */
};

struct wz_checklist {
	struct wz_check_item *items;
	int n;
	int cur;
	int top;		/* first row shown */
};

/* Draw in rows y..y+h-1, columns x..x+width-1 of w. */
void wz_checklist_draw(WINDOW *w, int y, int x, int h, int width,
    struct wz_checklist *cl);
/* Up/Down/Home/End/PgUp/PgDn move, Space toggles, 'a' checks every
 * step to do; returns 1 when the key was used. */
int wz_checklist_key(struct wz_checklist *cl, enum wz_action a, int h);
/* The state's word ("to do", "done"...), translated. */
const char *wz_state_name(int state);
enum wz_color wz_state_color(int state);

#endif
