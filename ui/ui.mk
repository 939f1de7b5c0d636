## ui/ui.mk - the program: verbs (cmd-*.c) and screens.
mxmove_SOURCES += ui/main.c
mxmove_SOURCES += ui/commands.c ui/commands.h
mxmove_SOURCES += ui/wizard.c ui/wizard.h
mxmove_SOURCES += ui/cmd-check.c ui/cmd-dns.c ui/cmd-dns-update.c ui/cmd-probe.c
mxmove_SOURCES += ui/cmd-queue.c ui/cmd-accounts.c ui/cmd-create-accounts.c
mxmove_SOURCES += ui/cmd-transfer.c ui/cmd-verify.c ui/cmd-mbox2maildir.c
mxmove_SOURCES += ui/cmd-mta.c ui/cmd-run.c ui/cmd-status.c
mxmove_SOURCES += ui/mta-cli.c ui/mta-cli.h
