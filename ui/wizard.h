/* wizard.h - the five-window wizard. */
#ifndef MX_WIZARD_H
#define MX_WIZARD_H

struct mx_wizard_opts {
	int demo;		/* open on the demo lab */
	const char *demo_dir;	/* the lab's directory (implies demo) */
	const char *plan;	/* the plan file, or NULL for the default */
};

/* Run the wizard on the terminal. Returns the process exit status: 0, 1
 * when the plan or the lab could not be set up, 2 without a terminal,
 * 128+N after signal N (INT, TERM, HUP: the terminal is restored and the
 * workers stopped first). */
int mx_wizard_main(const struct mx_wizard_opts *o);

#endif
