#ifndef CSSH2_SHIM_H
#define CSSH2_SHIM_H
/* libssh2 1.10 (Debian 12 `libssh2-1-dev`, OpenSSL 3 backend). Several of its "functions" are
 * macros over an `_ex` variant, which Swift cannot call: fixed-arity inline wrappers below. */
#include <libssh2.h>

/* libssh2_session_init() */
static inline LIBSSH2_SESSION *cssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

/* libssh2_session_disconnect(): SSH_DISCONNECT_BY_APPLICATION with a short description. */
static inline int cssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

/* libssh2_channel_open_session() with the default window and packet sizes. */
static inline LIBSSH2_CHANNEL *cssh2_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                   LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

/* libssh2_channel_exec(): `command` has `length` bytes (no terminator needed). */
static inline int cssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command, unsigned int length) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command, length);
}

/* libssh2_channel_read() / libssh2_channel_read_stderr(). */
static inline ssize_t cssh2_channel_read(LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, stream, buffer, length);
}

/* libssh2_channel_write() on the main data stream. */
static inline ssize_t cssh2_channel_write(LIBSSH2_CHANNEL *channel, const char *buffer, size_t length) {
    return libssh2_channel_write_ex(channel, 0, buffer, length);
}

/* The stream id of standard error (SSH_EXTENDED_DATA_STDERR). */
static inline int cssh2_stderr_stream(void) { return SSH_EXTENDED_DATA_STDERR; }

#endif
