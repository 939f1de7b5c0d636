/* wizard.c - the frame of the five-window wizard: the step header, the
 * current window's body, and the footer of keys. */
#include <config.h>

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "wizard.h"

struct step {
	const char *title;	/* N_() marked */
	const char *intro;	/* N_() marked */
};

static const struct step steps[] = {
	{ N_("Before"), N_("Lower the DNS TTL well ahead, check both hosts, "
	    "and wait until every cache holds the short TTL.") },
	{ N_("Accounts"), N_("Read the old host's accounts and create them on "
	    "the new host with the same password hashes and empty Maildirs.") },
	{ N_("Dead-MX cutover"), N_("Point MX at an address where nothing "
	    "listens, freeze the old host, and wait one TTL: senders retry.") },
	{ N_("Transfer"), N_("Copy every mailbox, verify it, and import it so "
	    "that no client ever sees half a message.") },
	{ N_("Forwarding"), N_("Point MX at the live address, relay stragglers "
	    "from the old host, drain its queue, and write the report.") },
};
#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

struct wizard {
	int cur;
	int color;
	int demo;
};

enum { PAIR_HEADER = 1, PAIR_CURRENT, PAIR_FOOTER };

static void
draw_header(const struct wizard *w)
{
	int i, x = 1;

	move(0, 0);
	clrtoeol();
	if (w->color)
		attron(COLOR_PAIR(PAIR_HEADER));
	mvhline(0, 0, ' ', COLS);
	for (i = 0; i < NSTEPS && x < COLS; i++) {
		if (i == w->cur)
			attron(A_REVERSE | A_BOLD);
		mvprintw(0, x, " %d %s ", i + 1, _(steps[i].title));
		if (i == w->cur)
			attroff(A_REVERSE | A_BOLD);
		x = getcurx(stdscr) + 1;
	}
	if (w->color)
		attroff(COLOR_PAIR(PAIR_HEADER));
}

static void
draw_body(const struct wizard *w)
{
	const struct step *s = &steps[w->cur];
	int y;

	for (y = 1; y < LINES - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	attron(A_BOLD);
	mvprintw(2, 2, _("Window %d of %d: %s"), w->cur + 1, NSTEPS, _(s->title));
	attroff(A_BOLD);
	mvaddnstr(4, 2, _(s->intro), COLS > 4 ? COLS - 4 : 0);
	if (w->demo)
		mvaddnstr(6, 2, _("Demo mode: no server is touched."),
		    COLS > 4 ? COLS - 4 : 0);
}

static void
draw_footer(const struct wizard *w)
{
	if (w->color)
		attron(COLOR_PAIR(PAIR_FOOTER));
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 1,
	    _("Tab/Right next  Left back  1-5 window  ? help  q quit"), COLS - 2);
	if (w->color)
		attroff(COLOR_PAIR(PAIR_FOOTER));
}

static void
draw(const struct wizard *w)
{
	draw_header(w);
	draw_body(w);
	draw_footer(w);
	refresh();
}

int
mx_wizard_main(int demo)
{
	struct wizard w = { 0, 0, demo };
	const char *nc = getenv("NO_COLOR");
	int ch, done = 0;

	if (initscr() == NULL)
		return 1;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors() && (nc == NULL || *nc == '\0')) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HEADER, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_CURRENT, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_FOOTER, COLOR_BLACK, COLOR_CYAN);
		w.color = 1;
	}
	while (!done) {
		draw(&w);
		ch = getch();
		switch (ch) {
		case 'q':
		case 'Q':
			done = 1;
			break;
		case '\t':
		case KEY_RIGHT:
			if (w.cur < NSTEPS - 1)
				w.cur++;
			break;
		case KEY_BTAB:
		case KEY_LEFT:
			if (w.cur > 0)
				w.cur--;
			break;
		case KEY_RESIZE:
			clear();
			break;
		default:
			if (ch >= '1' && ch < '1' + NSTEPS)
				w.cur = ch - '1';
			break;
		}
	}
	endwin();
	return 0;
}
