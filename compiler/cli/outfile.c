/* outfile.c: one file a command writes (graph --out FILE), replaced
 * whole: the bytes go to a temporary file beside it, renamed over it once
 * complete, so that a reader never sees half a picture. A failure is a
 * diagnostic about that file, as compile's output's are (E092, E093). */
#include "cli/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fdio.h"
#include "base/oom.h"
#include "diag/diag.h"

static void outfile_problem(const char *path, int err, struct crrc_diags *d)
{
	diags_set_file(d, path, NULL, 0);
	diags_add(d, err == ENOSPC || err == EDQUOT ? CRRC_E093 : CRRC_E092, (struct crrc_pos){0},
		  "cannot write %s: %s", path, strerror(err ? err : EIO));
}

bool outfile_write(const char *path, const char *data, size_t len, struct crrc_diags *d)
{
	if (!path) {
		if (fd_write_all(STDOUT_FILENO, data, len))
			return true;
		outfile_problem("<stdout>", errno, d);
		return false;
	}
	size_t n = strlen(path);
	char *tmp = xmalloc(n + sizeof(".crrc-XXXXXX"));
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".crrc-XXXXXX", sizeof(".crrc-XXXXXX"));
	int err = 0, fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	/* the mode a new file would get: 0666 less the umask */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !fd_write_all(fd, data, len) || fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err)
		unlink(tmp);
fail:
	free(tmp);
	if (err)
		outfile_problem(path, err, d);
	return err == 0;
}
