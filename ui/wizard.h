/* wizard.h - the five-window wizard. */
#ifndef MX_WIZARD_H
#define MX_WIZARD_H

/* Run the wizard on the terminal; demo: on the built-in demo lab.
 * Returns the process exit status. */
int mx_wizard_main(int demo);

#endif
