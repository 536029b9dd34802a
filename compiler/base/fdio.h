/* fdio.h: reading and writing all of a length on a file descriptor. */
#ifndef CRRC_FDIO_H
#define CRRC_FDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Write all len bytes; false on an error (errno says which). */
bool fd_write_all(int fd, const char *data, size_t len);
/* Up to len bytes of fd at off (pread) or at its offset (off < 0): fewer
 * only at the end of the file; -1 on error. */
ssize_t fd_read_full(int fd, char *p, size_t len, off_t off);

#endif
