/* keys.c - key bindings as data: each key maps to an action; the footer
 * is drawn from the same table. */
#include <config.h>

#include <curses.h>

#include "i18n.h"
#include "wz.h"

#define CTRL(c) ((c) & 0x1f)

struct binding {
	int key;
	enum wz_action act;
	const char *name;	/* shown in the footer (first binding wins) */
	const char *label;	/* N_() */
};

static const struct binding bindings[] = {
	{ KEY_F(1), WZ_A_HELP, "F1", N_("help") },
	{ '?', WZ_A_HELP, "?", N_("help") },
	{ KEY_UP, WZ_A_UP, NULL, NULL },
	{ 'k', WZ_A_UP, NULL, NULL },
	{ KEY_DOWN, WZ_A_DOWN, NULL, NULL },
	{ 'j', WZ_A_DOWN, NULL, NULL },
	{ KEY_PPAGE, WZ_A_PGUP, "PgUp", N_("page up") },
	{ KEY_NPAGE, WZ_A_PGDN, "PgDn", N_("page down") },
	{ KEY_HOME, WZ_A_HOME, NULL, NULL },
	{ KEY_END, WZ_A_END, NULL, NULL },
	{ ' ', WZ_A_TOGGLE, "Space", N_("check") },
	{ 'a', WZ_A_ALL, "a", N_("all") },
	{ '\n', WZ_A_RUN, "Enter", N_("run") },
	{ '\r', WZ_A_RUN, NULL, NULL },
	{ KEY_ENTER, WZ_A_RUN, NULL, NULL },
	{ 's', WZ_A_SKIP, "s", N_("skip") },
	{ 'p', WZ_A_PLAN, "p", N_("plan") },
	{ 'l', WZ_A_LOG, "l", N_("log") },
	{ 'o', WZ_A_SORT, "o", N_("sort") },
	{ 'r', WZ_A_REVERSE, "r", N_("reverse") },
	{ 'v', WZ_A_OVERVIEW, "v", N_("overview") },
	{ '\t', WZ_A_NEXT_WIN, "Tab", N_("next") },
	{ KEY_RIGHT, WZ_A_NEXT_WIN, NULL, NULL },
	{ KEY_BTAB, WZ_A_PREV_WIN, "S-Tab", N_("back") },
	{ KEY_LEFT, WZ_A_PREV_WIN, NULL, NULL },
	{ 'y', WZ_A_YES, "y", N_("yes") },
	{ 'Y', WZ_A_YES, NULL, NULL },
	{ 'n', WZ_A_NO, "n", N_("no") },
	{ 'N', WZ_A_NO, NULL, NULL },
	{ 27, WZ_A_NO, "Esc", N_("close") },
	{ CTRL('l'), WZ_A_REDRAW, NULL, NULL },
	{ 'q', WZ_A_QUIT, "q", N_("quit") },
	{ 'Q', WZ_A_QUIT, NULL, NULL },
};
#define NBIND (sizeof bindings / sizeof bindings[0])

enum wz_action
wz_key_action(int ch)
{
	size_t i;

	for (i = 0; i < NBIND; i++)
		if (bindings[i].key == ch)
			return bindings[i].act;
	return WZ_A_NONE;
}

static const struct binding *
first_named(enum wz_action a)
{
	size_t i;

	for (i = 0; i < NBIND; i++)
		if (bindings[i].act == a && bindings[i].name != NULL)
			return &bindings[i];
	return NULL;
}

void
wz_keys_footer(WINDOW *w, int y, int width, const enum wz_action *acts,
    int n)
{
	const struct binding *b;
	int i, x = 1, need;
	const char *label;

	for (i = 0; i < n; i++) {
		if ((b = first_named(acts[i])) == NULL)
			continue;
		label = _(b->label);
		need = wz_cols(b->name) + 1 + wz_cols(label) + 2;
		if (x + need > width)
			break;
		wattron(w, A_BOLD);
		x += wz_put(w, y, x, b->name, width - x);
		wattroff(w, A_BOLD);
		x += wz_put(w, y, x, " ", width - x);
		x += wz_put(w, y, x, label, width - x);
		x += wz_put(w, y, x, "  ", width - x);
	}
}
