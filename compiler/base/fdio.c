/* fdio.c: whole reads and writes on a descriptor, through EINTR and short
 * counts (fdio.h). */
#include "base/fdio.h"

#include <errno.h>
#include <unistd.h>

bool fd_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

ssize_t fd_read_full(int fd, char *p, size_t len, off_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = off < 0 ? read(fd, p + got, len - got)
				    : pread(fd, p + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}
