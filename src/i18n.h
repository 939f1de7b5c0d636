/* i18n.h - gettext macros shared by the engine and the screens. */
#ifndef MX_I18N_H
#define MX_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(s, p, n) ngettext((s), (p), (n))

#endif
