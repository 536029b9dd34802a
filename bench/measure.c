/* measure.c: run one command and write its wall time and peak memory to a
 * file, for bench/run. Why not os.wait4 from Python: Linux folds the RSS
 * high-water mark of the process image an exec replaces into the child's
 * ru_maxrss, so a child spawned by Python reports at least Python's own
 * RSS (10 MB and more, larger than the floor's entire footprint). Forked
 * from this small program instead, the child's pre-exec image is about a
 * megabyte, the same as under /usr/bin/time.
 *
 * usage: measure OUT -- CMD [ARG...]
 * OUT gets one line: "status N signal N wall S maxrss_kb N user S sys S".
 * Exit 0 once measured (whatever CMD's status), 2 on usage or system error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: measure OUT -- CMD [ARG...]\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		fclose(out);
		return 2;
	}
	if (pid == 0) {
		execvp(argv[3], &argv[3]);
		fprintf(stderr, "measure: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}

	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
			fclose(out);
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	fprintf(out, "status %d signal %d wall %.6f maxrss_kb %ld user %.6f sys %.6f\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		WIFSIGNALED(status) ? WTERMSIG(status) : 0, elapsed(&t0, &t1), ru.ru_maxrss,
		seconds(ru.ru_utime), seconds(ru.ru_stime));
	return fclose(out) == 0 ? 0 : 2;
}
