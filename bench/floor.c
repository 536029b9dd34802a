/* floor.c: the benchmark's floor, the least any YAML-reading compiler must
 * spend on a file: libyaml's event parser over it (yaml_parser_parse in a
 * loop, each event deleted), and nothing else. With --load it times
 * libyaml's document loader (yaml_parser_load) instead, for comparison.
 * Prints the count of events (or nodes) so that the work cannot be
 * optimised away; exits 1 when the file is not valid YAML, 2 on usage or
 * I/O error. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

static void report_error(const char *path, const yaml_parser_t *p)
{
	fprintf(stderr, "%s:%zu:%zu: %s\n", path, p->problem_mark.line + 1,
		p->problem_mark.column + 1, p->problem ? p->problem : "parse error");
}

/* The floor: one pass of events. */
static bool parse_events(const char *path, yaml_parser_t *p, unsigned long *count)
{
	yaml_event_t ev;
	bool done = false;

	while (!done) {
		if (!yaml_parser_parse(p, &ev)) {
			report_error(path, p);
			return false;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		(*count)++;
	}
	return true;
}

/* libyaml's own loader: every document as a tree of nodes. */
static bool load_documents(const char *path, yaml_parser_t *p, unsigned long *count)
{
	yaml_document_t doc;

	for (;;) {
		if (!yaml_parser_load(p, &doc)) {
			report_error(path, p);
			return false;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			return true;
		}
		*count += (unsigned long)(doc.nodes.top - doc.nodes.start);
		yaml_document_delete(&doc);
	}
}

static int usage(FILE *out)
{
	fprintf(out, "usage: floor [--load] FILE\n"
		     "       floor --version\n"
		     "Parse FILE with libyaml: events only (the floor), or with --load\n"
		     "libyaml's document loader. Prints the number of events or nodes.\n");
	return out == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	bool load = false;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--load") == 0) {
			load = true;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("libyaml %s\n", yaml_get_version_string());
			return 0;
		} else if (strcmp(argv[i], "--help") == 0) {
			return usage(stdout);
		} else if (argv[i][0] == '-' || path) {
			return usage(stderr);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return usage(stderr);

	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		return 2;
	}
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		fclose(f);
		fprintf(stderr, "floor: out of memory\n");
		return 2;
	}
	yaml_parser_set_input_file(&p, f);

	unsigned long count = 0;
	bool ok = load ? load_documents(path, &p, &count) : parse_events(path, &p, &count);
	yaml_parser_delete(&p);
	fclose(f);
	if (!ok)
		return 1;
	printf("%lu %s\n", count, load ? "nodes" : "events");
	return 0;
}
