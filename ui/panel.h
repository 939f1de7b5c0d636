/* panel.h - helpers the three live panels share. */
#ifndef MX_PANEL_H
#define MX_PANEL_H

#include <curses.h>

/* Clear w and draw its title on a rule across row 0. */
void wz_panel_frame(WINDOW *w, const char *title);

#endif
