/* specsrc.c: loading a spec from a file, standard input or git. For
 * "git:REV:PATH", git show REV:PATH runs through posix_spawnp with an
 * argument vector (never a shell, so no character of REV or PATH means
 * anything but itself; one that would start with '-' is refused rather
 * than read as an option), its output read from a pipe, its complaint
 * from a temporary file. */
#include "cli/specsrc.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/model.h"

extern char **environ;

#define GIT_PREFIX "git:"

/* git's stderr, its last line, for a diagnostic. */
static void git_reason(FILE *err, char *out, size_t size)
{
	out[0] = '\0';
	if (!err)
		return;
	rewind(err);
	char line[512];
	while (fgets(line, sizeof(line), err))
		if (line[0] != '\n')
			snprintf(out, size, "%s", line);
	out[strcspn(out, "\n")] = '\0';
}

/* The bytes of git show spec into b; false with the reason in why. */
static bool git_show(const char *spec, struct buf *b, char *why, size_t size)
{
	int fds[2];
	FILE *err = tmpfile();
	if (!err || pipe(fds) != 0) {
		snprintf(why, size, "%s", strerror(errno));
		if (err)
			fclose(err);
		return false;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fileno(err), STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *argv[] = {"git", "--no-pager", "show", (char *)spec, NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	char chunk[65536];
	ssize_t n;
	while (rc == 0 && ((n = read(fds[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0 && b->len <= CRRC_MAX_FILE_BYTES)
			buf_put(b, chunk, (size_t)n);
	close(fds[0]);
	int status = 0;
	if (rc == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	bool ok = rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (rc != 0)
		snprintf(why, size, "cannot run git: %s", strerror(rc));
	else if (!ok)
		git_reason(err, why, size);
	if (!ok && !why[0])
		snprintf(why, size, "git show failed");
	fclose(err);
	return ok;
}

static struct crrc_model *load_git(const char *src, struct crrc_diags *d)
{
	const char *spec = src + strlen(GIT_PREFIX);
	char why[512] = "";
	struct buf b = BUF_INIT;
	struct crrc_model *m = NULL;
	bool read = false;
	if (spec[0] == '-' || !strchr(spec, ':'))
		snprintf(why, sizeof(why), "a git reference is git:REV:PATH (git:main:%s)",
			 spec[0] == '-' || !spec[0] ? "spec.crr.yaml" : spec);
	else
		read = git_show(spec, &b, why, sizeof(why));
	if (read) {
		m = crrc_load_buffer(src, b.data ? b.data : "", b.len, d);
	} else {
		diags_set_file(d, src, NULL, 0);
		diags_add(d, CRRC_E001, (struct crrc_pos){0}, "cannot read %s: %s", src, why);
	}
	buf_free(&b);
	return m;
}

struct crrc_model *specsrc_load(const char *src, const char *stdin_name, struct crrc_diags *d)
{
	if (strcmp(src, "-") == 0)
		return crrc_load_stdin(stdin_name, d);
	if (strncmp(src, GIT_PREFIX, strlen(GIT_PREFIX)) == 0)
		return load_git(src, d);
	return crrc_load_file(src, d);
}
