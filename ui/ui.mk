## ui/ui.mk - the program: verbs (cmd-*.c) and screens.
mxmove_SOURCES += ui/main.c
mxmove_SOURCES += ui/commands.c ui/commands.h
mxmove_SOURCES += ui/cmd-check.c ui/cmd-dns.c ui/cmd-dns-update.c ui/cmd-probe.c
mxmove_SOURCES += ui/cmd-queue.c ui/cmd-accounts.c ui/cmd-create-accounts.c
mxmove_SOURCES += ui/cmd-transfer.c ui/cmd-verify.c ui/cmd-mbox2maildir.c
mxmove_SOURCES += ui/cmd-transfer.h
mxmove_SOURCES += ui/cmd-mta.c ui/cmd-run.c ui/cmd-status.c
mxmove_SOURCES += ui/mta-cli.c ui/mta-cli.h
mxmove_SOURCES += ui/cmd-uidl.c
mxmove_SOURCES += ui/cmd-mbox-check.c
mxmove_SOURCES += ui/acct-cli.c ui/acct-cli.h
mxmove_SOURCES += ui/cmd-preflight.c
# The wizard: frame and loop, screens, widgets, panels, workers.
mxmove_SOURCES += ui/wizard.c ui/wizard.h ui/wz.h
mxmove_SOURCES += ui/events.c ui/events.h ui/pollers.c ui/pollers.h
mxmove_SOURCES += ui/adapt.c ui/adapt.h ui/adapt-dns.c ui/adapt-mta.c ui/adapt-acct.c
mxmove_SOURCES += ui/adapt-xfer.c
mxmove_SOURCES += ui/demo.c ui/demo.h
mxmove_SOURCES += ui/theme.c ui/text.c ui/keys.c ui/lineedit.c ui/lineedit.h
mxmove_SOURCES += ui/checklist.c ui/checklist.h ui/stepwin.c ui/stepwin.h
mxmove_SOURCES += ui/usertable.c ui/usertable.h
mxmove_SOURCES += ui/panel.h ui/panel-mx.c ui/panel-queue.c ui/panel-transfer.c
mxmove_SOURCES += ui/confirm.c ui/help.c ui/logview.c ui/form.c ui/prompt.c \
    ui/panel-overview.c
mxmove_SOURCES += ui/win-before.c ui/win-accounts.c ui/win-cutover.c
mxmove_SOURCES += ui/win-transfer.c ui/win-forward.c
mxmove_SOURCES += ui/cmd-ledger.c
mxmove_SOURCES += ui/batch.c ui/batch.h
