/* theme.c - semantic colours. Screens name a meaning (WZ_C_ERR); this file
 * decides how it looks. NO_COLOR (no-color.org), a terminal without
 * colours, or TERM=dumb get attributes only: bold, reverse, underline. */
#include <config.h>

#include <curses.h>
#include <stdlib.h>

#include "wz.h"

struct look {
	short fg, bg;
	attr_t color_attr;	/* added to the pair when colours are on */
	attr_t mono;		/* used alone when they are off */
};

static const struct look looks[WZ_C_NCOLORS] = {
	[WZ_C_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[WZ_C_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[WZ_C_CURRENT] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD | A_UNDERLINE },
	[WZ_C_FOOTER] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[WZ_C_TITLE] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[WZ_C_OK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[WZ_C_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
	[WZ_C_ERR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[WZ_C_RUN] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[WZ_C_CHANGED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE },
	[WZ_C_DIM] = { -1, -1, A_DIM, A_DIM },
	[WZ_C_CURSOR] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[WZ_C_BORDER] = { COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
};

static int with_color;

void
wz_theme_init(void)
{
	const char *nc = getenv("NO_COLOR");
	int i;

	with_color = 0;
	if ((nc != NULL && *nc != '\0') || !has_colors())
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	for (i = 1; i < WZ_C_NCOLORS; i++)
		init_pair((short)i, looks[i].fg, looks[i].bg);
	with_color = 1;
}

int
wz_theme_has_color(void)
{
	return with_color;
}

attr_t
wz_attr(enum wz_color c)
{
	if ((unsigned)c >= WZ_C_NCOLORS)
		return A_NORMAL;
	if (!with_color)
		return looks[c].mono;
	if (c == WZ_C_NORMAL)
		return A_NORMAL;
	return COLOR_PAIR(c) | looks[c].color_attr;
}
