/* graph_svg.c: the review graph as SVG, drawn by Graphviz's own library
 * in-process (libgvc and libcgraph from Debian): the DOT text of
 * graph_dot.c read with agmemread, laid out by dot, rendered with the svg
 * plugin. Nothing is run in a shell, and the SVG shows exactly what the DOT
 * says. It runs once per process (crrc graph), which is why the layout is
 * not freed: see below. Graphviz reports its errors through agerr: they are collected, not
 * printed, and handed to the caller. */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <string.h>

#include "review/graph_impl.h"

static char svg_error[512];

static int svg_collect(char *msg)
{
	size_t used = strlen(svg_error);
	if (used + 1 < sizeof(svg_error))
		snprintf(svg_error + used, sizeof(svg_error) - used, "%s", msg);
	return 0;
}

bool graph_render_svg(const struct crrc_graph *g, struct buf *out, const char **err)
{
	struct buf dot = BUF_INIT;
	graph_render_dot(g, &dot);
	svg_error[0] = '\0';
	agseterrf(svg_collect);
	agseterr(AGWARN);
	GVC_t *gvc = gvContext();
	Agraph_t *ag = gvc ? agmemread(dot.data) : NULL;
	char *data = NULL;
	unsigned int len = 0;
	bool ok = false;
	if (!ag)
		goto done;
	if (gvLayout(gvc, ag, "dot") != 0)
		goto close;
	if (gvRenderData(gvc, ag, "svg", &data, &len) == 0 && data) {
		buf_put(out, data, len);
		ok = true;
	}
	gvFreeRenderData(data);
	/* Not gvFreeLayout: in Graphviz 2.43 dot's cleanup frees a cluster's
	 * array it did not allocate (a bad free, found on a graph of 1,000
	 * buckets in 8 regions). The layout's memory goes with the process. */
close:
	agclose(ag);
done:
	if (gvc)
		gvFreeContext(gvc);
	buf_free(&dot);
	*err = ok ? NULL : svg_error[0] ? svg_error : "Graphviz could not lay out the graph";
	return ok;
}
