## src/engine.mk - the engine library's sources, one line per module.
src_libmxengine_a_SOURCES += src/i18n.h
src_libmxengine_a_SOURCES += src/err.c src/err.h
src_libmxengine_a_SOURCES += src/buf.c src/buf.h
src_libmxengine_a_SOURCES += src/quote.c src/quote.h
src_libmxengine_a_SOURCES += src/libversions.c src/libversions.h
src_libmxengine_a_SOURCES += src/host.h
src_libmxengine_a_SOURCES += src/account.c src/account.h src/acct-int.h
src_libmxengine_a_SOURCES += src/acct-parse.c
src_libmxengine_a_SOURCES += src/audit.c src/audit.h
src_libmxengine_a_SOURCES += src/host.c src/host-impl.h
src_libmxengine_a_SOURCES += src/host-local.c src/host-ssh.c
src_libmxengine_a_SOURCES += src/acct-read.c src/acct-sql.c
src_libmxengine_a_SOURCES += src/acct-target.c src/acct-target.h
src_libmxengine_a_SOURCES += src/maildir.c src/maildir.h
src_libmxengine_a_SOURCES += src/mbox.c src/mbox.h
