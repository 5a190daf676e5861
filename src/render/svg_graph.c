/*
 * svg_graph.c - the process map (a directly-follows graph) drawn as SVG,
 * for the HTML report and for `orgmri map --format svg`.
 *
 * Layout, computed here, in the spirit of Sugiyama's layered drawing:
 *
 * 1. Filter (report.h says what is kept) so the picture stays readable.
 * 2. Break cycles: a depth-first search from "start" (successors taken by
 *    falling transition count) marks every edge into a node still on the
 *    search's stack as a back edge.  In a delivery process those are the
 *    loops - changes requested, pushed again - and are drawn in another
 *    colour on the right.
 * 3. Layers: longest path from "start" over the forward edges; "end" goes
 *    below everything.  Layers run top to bottom.
 * 4. Order within a layer: first by discovery order, then six sweeps
 *    (alternately down and up) sorting each layer by the barycentre of
 *    its neighbours in the layer above / below, which removes most
 *    crossings.
 * 5. Edges between adjacent layers are curves from the source's bottom to
 *    the target's top (back edges: from the source's top up to the
 *    target's bottom), their ends spread along the box by the position of
 *    the other end; forward edges that skip layers go round on the left,
 *    back edges that skip layers round on the right, each at its own
 *    distance; a self-loop is a small arc on the box's right.
 * 6. Edge labels ("count · median wait") are placed on their curve at the
 *    first of a few positions where they overlap neither a node nor
 *    another label, strongest edges first; one that fits nowhere is left
 *    out (its edge keeps a tooltip), so no two texts ever overlap.
 *
 * Everything is deterministic: every sort breaks ties by index.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"

#define NODE_W 168.0
#define NODE_H 44.0
#define PILL_W 64.0
#define PILL_H 26.0
#define HGAP 44.0
#define VGAP 62.0
#define TOP 12.0
#define SIDE_STEP 14.0   /* distance between edges routed round a side */
#define CHAR_W 7.0       /* svg_text_width's estimate per character */
#define LABEL_H 15.0
#define MAX_NODES_CAP 60
#define MAX_EDGES_CAP 400
#define SWEEPS 6

#define KIND_ACT 0
#define KIND_START 1
#define KIND_END 2

static const char FORWARD_COLOR[] = "#0072b2";
static const char BACK_COLOR[] = "#d55e00";

typedef struct gnode {
	int kind;
	size_t src;          /* index in c->nodes (activities) */
	int layer;
	double key;          /* order within the layer */
	double x, y, w, h;   /* top-left corner and size */
	int seen, on_stack;
	size_t disc;         /* discovery order */
} gnode;

typedef struct gedge {
	size_t from, to;     /* gnode indexes */
	double count, wait;
	int back, self, longe;
	double side;         /* x of the detour, for back and long edges */
	double x0, y0, x1, y1, cx0, cy0, cx1, cy1;   /* the cubic curve */
} gedge;

typedef struct box {
	double x0, y0, x1, y1;
} box;

typedef struct graph {
	const orgmri_chart_graph *c;
	gnode *n;
	size_t nn;
	gedge *e;
	size_t ne;
	size_t shown_acts;   /* activities drawn */
	double total, covered;  /* transitions in all / drawn edges */
	size_t all_edges;    /* activity edges + start and end edges */
	int layers;
	double width, height;
	box *boxes;          /* obstacles for labels */
	size_t nboxes;
} graph;

static double nz(double v)
{
	return isfinite(v) && v > 0 ? v : 0;
}

/* ---- filtering ---------------------------------------------------------- */

typedef struct cand {
	size_t from, to;     /* gnode indexes */
	double count, wait;
	int keep;
} cand;

static const char *node_name(const orgmri_chart_graph *c, size_t i)
{
	return c->nodes[i].name ? c->nodes[i].name : "";
}

/* Activities by count (descending), then name, then index. */
static int cmp_acts(const void *a, const void *b, void *arg)
{
	const orgmri_chart_graph *sort_graph = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double ci = nz(sort_graph->nodes[i].count), cj = nz(sort_graph->nodes[j].count);
	if (ci != cj)
		return ci > cj ? -1 : 1;
	int s = strcmp(node_name(sort_graph, i), node_name(sort_graph, j));
	if (s)
		return s;
	return i < j ? -1 : i > j;
}

static int cmp_cands(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

static int add_cand(cand **v, size_t *n, size_t *cap, size_t from, size_t to,
                    double count, double wait)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		cand *p = realloc(*v, nc * sizeof(*p));
		if (!p)
			return -1;
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = (cand){ from, to, count, wait, 0 };
	return 0;
}

/* Keep each node's strongest incoming and outgoing edge (so nothing
 * drawn floats alone), then the rest by count until the coverage or the
 * edge budget is reached. */
static void choose_edges(graph *g, cand *v, size_t nv)
{
	const orgmri_chart_graph *c = g->c;
	size_t max_edges = c->max_edges ? c->max_edges : 40;
	if (max_edges > MAX_EDGES_CAP)
		max_edges = MAX_EDGES_CAP;
	double coverage = c->coverage > 0 && c->coverage <= 1 ? c->coverage : 0.95;
	size_t kept = 0;
	for (size_t k = 0; k < g->nn; k++) {
		int in = 0, out = 0;
		for (size_t i = 0; i < nv; i++) {   /* v is sorted by count */
			if (v[i].from == v[i].to)
				continue;
			if (!out && v[i].from == k) {
				kept += !v[i].keep;
				v[i].keep = out = 1;
			}
			if (!in && v[i].to == k) {
				kept += !v[i].keep;
				v[i].keep = in = 1;
			}
		}
	}
	for (size_t i = 0; i < nv; i++)
		if (v[i].keep)
			g->covered += v[i].count;
	for (size_t i = 0; i < nv && kept < max_edges; i++) {
		if (v[i].keep)
			continue;
		if (g->total > 0 && g->covered >= coverage * g->total)
			break;
		v[i].keep = 1;
		kept++;
		g->covered += v[i].count;
	}
}

/* Pick the nodes and edges to draw into g->n / g->e. */
static int select_graph(graph *g)
{
	const orgmri_chart_graph *c = g->c;
	size_t max_nodes = c->max_nodes ? c->max_nodes : 16;
	if (max_nodes > MAX_NODES_CAP)
		max_nodes = MAX_NODES_CAP;
	size_t *order = malloc((c->nnodes ? c->nnodes : 1) * sizeof(*order));
	size_t *slot = malloc((c->nnodes ? c->nnodes : 1) * sizeof(*slot));
	cand *v = NULL;
	size_t nv = 0, cap = 0;
	int rc = -1;
	if (!order || !slot)
		goto done;
	for (size_t i = 0; i < c->nnodes; i++) {
		order[i] = i;
		slot[i] = SIZE_MAX;
	}
	qsort_r(order, c->nnodes, sizeof(*order), cmp_acts, (void *)c);
	size_t nact = c->nnodes < max_nodes ? c->nnodes : max_nodes;
	/* gnodes: 0 = start, 1..nact = activities, nact + 1 = end */
	g->n = calloc(nact + 2, sizeof(*g->n));
	if (!g->n)
		goto done;
	g->nn = nact + 2;
	g->n[0].kind = KIND_START;
	g->n[nact + 1].kind = KIND_END;
	for (size_t k = 0; k < nact; k++) {
		g->n[k + 1].kind = KIND_ACT;
		g->n[k + 1].src = order[k];
		slot[order[k]] = k + 1;
	}
	/* Every transition counts towards the total, drawn or not. */
	for (size_t i = 0; i < c->nedges; i++) {
		const orgmri_chart_graph_edge *e = &c->edges[i];
		if (e->from >= c->nnodes || e->to >= c->nnodes || nz(e->count) == 0)
			continue;
		g->total += e->count;
		g->all_edges++;
		if (slot[e->from] != SIZE_MAX && slot[e->to] != SIZE_MAX &&
		    add_cand(&v, &nv, &cap, slot[e->from], slot[e->to], e->count,
		             e->wait))
			goto done;
	}
	for (size_t i = 0; i < c->nnodes; i++) {
		double s = nz(c->nodes[i].starts), t = nz(c->nodes[i].ends);
		g->total += s + t;
		g->all_edges += (s > 0) + (t > 0);
		if (slot[i] == SIZE_MAX)
			continue;
		if (s > 0 && add_cand(&v, &nv, &cap, 0, slot[i], s, NAN))
			goto done;
		if (t > 0 && add_cand(&v, &nv, &cap, slot[i], nact + 1, t, NAN))
			goto done;
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_cands);
	choose_edges(g, v, nv);
	size_t ne = 0;
	for (size_t i = 0; i < nv; i++)
		ne += v[i].keep;
	g->e = calloc(ne ? ne : 1, sizeof(*g->e));
	if (!g->e)
		goto done;
	for (size_t i = 0; i < nv; i++)
		if (v[i].keep)
			g->e[g->ne++] = (gedge){ .from = v[i].from, .to = v[i].to,
			                         .count = v[i].count, .wait = v[i].wait,
			                         .self = v[i].from == v[i].to };
	rc = 0;
done:
	free(order);
	free(slot);
	free(v);
	return rc;
}

/* Drop the nodes no drawn edge touches (start and end included), keeping
 * the order; edges are renumbered. */
static void drop_isolated(graph *g)
{
	if (g->ne == 0) {
		/* Nothing connects: show the activities alone, not start/end. */
		g->n[0].seen = g->n[g->nn - 1].seen = -1;
	} else {
		for (size_t k = 0; k < g->nn; k++)
			g->n[k].seen = -1;
		for (size_t i = 0; i < g->ne; i++)
			g->n[g->e[i].from].seen = g->n[g->e[i].to].seen = 0;
	}
	size_t *map = malloc((g->nn ? g->nn : 1) * sizeof(*map));
	if (map) {
		size_t m = 0;
		for (size_t k = 0; k < g->nn; k++) {
			map[k] = m;
			if (g->n[k].seen == 0)
				g->n[m++] = g->n[k];
		}
		for (size_t i = 0; i < g->ne; i++) {
			g->e[i].from = map[g->e[i].from];
			g->e[i].to = map[g->e[i].to];
		}
		g->nn = m;
		free(map);
	}
	/* (without memory for the renumbering every node stays: a few
	 * unconnected boxes are harmless) */
	g->shown_acts = 0;
	for (size_t k = 0; k < g->nn; k++)
		g->shown_acts += g->n[k].kind == KIND_ACT;
}

/* ---- layering ----------------------------------------------------------- */

/* Edges leaving node k, strongest first (g->e is sorted by count). */
static void dfs(graph *g, size_t k, size_t *disc)
{
	gnode *n = &g->n[k];
	n->seen = 1;
	n->on_stack = 1;
	n->disc = (*disc)++;
	for (size_t i = 0; i < g->ne; i++) {
		gedge *e = &g->e[i];
		if (e->from != k || e->self)
			continue;
		if (g->n[e->to].on_stack)
			e->back = 1;
		else if (!g->n[e->to].seen)
			dfs(g, e->to, disc);
	}
	n->on_stack = 0;
}

static void assign_layers(graph *g)
{
	size_t disc = 0;
	for (size_t k = 0; k < g->nn; k++)
		g->n[k].seen = g->n[k].on_stack = 0;
	/* start first (it is node 0 when drawn), then anything it cannot
	 * reach, most frequent first (the node order) */
	for (size_t k = 0; k < g->nn; k++)
		if (!g->n[k].seen && g->n[k].kind != KIND_END)
			dfs(g, k, &disc);
	for (size_t k = 0; k < g->nn; k++)
		if (!g->n[k].seen)
			dfs(g, k, &disc);
	for (size_t k = 0; k < g->nn; k++)
		g->n[k].layer = 0;
	/* longest path: at most nn rounds of relaxation on a DAG */
	for (size_t round = 0; round < g->nn; round++) {
		int changed = 0;
		for (size_t i = 0; i < g->ne; i++) {
			gedge *e = &g->e[i];
			if (e->back || e->self)
				continue;
			if (g->n[e->to].layer < g->n[e->from].layer + 1) {
				g->n[e->to].layer = g->n[e->from].layer + 1;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
	int top = 0;
	for (size_t k = 0; k < g->nn; k++)
		if (g->n[k].kind != KIND_END && g->n[k].layer > top)
			top = g->n[k].layer;
	for (size_t k = 0; k < g->nn; k++)
		if (g->n[k].kind == KIND_END)
			g->n[k].layer = top + 1;
	g->layers = 0;
	for (size_t k = 0; k < g->nn; k++)
		if (g->n[k].layer + 1 > g->layers)
			g->layers = g->n[k].layer + 1;
	for (size_t k = 0; k < g->nn; k++)
		g->n[k].key = (double)g->n[k].disc;
	for (size_t i = 0; i < g->ne; i++)
		g->e[i].longe = !g->e[i].back && !g->e[i].self &&
		                g->n[g->e[i].to].layer - g->n[g->e[i].from].layer > 1;
}

/* ---- ordering within layers --------------------------------------------- */

static int cmp_in_layer(const void *a, const void *b, void *arg)
{
	const graph *sort_g = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const gnode *x = &sort_g->n[i], *y = &sort_g->n[j];
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Renumber keys 0..n-1 within each layer, in key order. */
static void normalise_keys(graph *g, size_t *idx)
{
	for (size_t k = 0; k < g->nn; k++)
		idx[k] = k;
	qsort_r(idx, g->nn, sizeof(*idx), cmp_in_layer, g);
	int layer = -1;
	double pos = 0;
	for (size_t j = 0; j < g->nn; j++) {
		gnode *n = &g->n[idx[j]];
		if (n->layer != layer) {
			layer = n->layer;
			pos = 0;
		}
		n->key = pos++;
	}
}

/* One sweep: each node's key becomes the mean key of its neighbours in
 * the layer above (down) or below (up), or stays. */
static void sweep(graph *g, int down, double *sum, double *cnt)
{
	for (size_t k = 0; k < g->nn; k++)
		sum[k] = cnt[k] = 0;
	for (size_t i = 0; i < g->ne; i++) {
		const gedge *e = &g->e[i];
		if (e->back || e->self)
			continue;
		size_t me = down ? e->to : e->from, other = down ? e->from : e->to;
		if (g->n[me].layer - g->n[other].layer != (down ? 1 : -1))
			continue;
		sum[me] += g->n[other].key;
		cnt[me] += 1;
	}
	for (size_t k = 0; k < g->nn; k++)
		if (cnt[k] > 0)
			/* the small tie-breaker keeps the earlier order among equals */
			g->n[k].key = sum[k] / cnt[k] + g->n[k].key * 1e-6;
}

static int order_layers(graph *g)
{
	size_t n = g->nn ? g->nn : 1;
	size_t *idx = malloc(n * sizeof(*idx));
	double *sum = malloc(n * sizeof(*sum));
	double *cnt = malloc(n * sizeof(*cnt));
	int rc = -1;
	if (!idx || !sum || !cnt)
		goto done;
	normalise_keys(g, idx);
	for (int s = 0; s < SWEEPS; s++) {
		sweep(g, s % 2 == 0, sum, cnt);
		normalise_keys(g, idx);
	}
	rc = 0;
done:
	free(idx);
	free(sum);
	free(cnt);
	return rc;
}

/* ---- coordinates -------------------------------------------------------- */

static double node_w(const gnode *n)
{
	return n->kind == KIND_ACT ? NODE_W : PILL_W;
}

static double node_h(const gnode *n)
{
	return n->kind == KIND_ACT ? NODE_H : PILL_H;
}

/* Leftmost / rightmost x over the nodes in layers lo..hi. */
static double side_of(const graph *g, int lo, int hi, int right)
{
	double v = right ? -1e18 : 1e18;
	for (size_t k = 0; k < g->nn; k++) {
		const gnode *n = &g->n[k];
		if (n->layer < lo || n->layer > hi)
			continue;
		v = right ? fmax(v, n->x + n->w) : fmin(v, n->x);
	}
	return v;
}

/* Width of layer l's boxes and the gaps between them; *m = its nodes. */
static double layer_width(const graph *g, int l, size_t *m)
{
	double w = 0;
	*m = 0;
	for (size_t k = 0; k < g->nn; k++)
		if (g->n[k].layer == l) {
			w += node_w(&g->n[k]);
			(*m)++;
		}
	return w + HGAP * (double)(*m ? *m - 1 : 0);
}

static void place_nodes(graph *g, double *left_room, double *right_room)
{
	size_t nlong = 0, nback = 0, nself = 0;
	for (size_t i = 0; i < g->ne; i++) {
		const gedge *e = &g->e[i];
		int span = abs(g->n[e->to].layer - g->n[e->from].layer);
		nlong += (size_t)e->longe;
		nback += (size_t)(e->back && span > 1);
		nself += (size_t)e->self;
	}
	*left_room = nlong ? 28 + SIDE_STEP * (double)nlong : 12;
	*right_room = nback ? 28 + SIDE_STEP * (double)nback : nself ? 40 : 12;
	/* the widest layer sets the content width */
	double widest = 0;
	size_t m;
	for (int l = 0; l < g->layers; l++)
		widest = fmax(widest, layer_width(g, l, &m));
	double mid = *left_room + widest / 2;
	for (int l = 0; l < g->layers; l++) {
		double w = layer_width(g, l, &m);
		/* place in key order */
		double x = mid - w / 2;
		for (double key = 0; key < (double)m; key++)
			for (size_t k = 0; k < g->nn; k++) {
				gnode *n = &g->n[k];
				if (n->layer != l || n->key != key)
					continue;
				n->w = node_w(n);
				n->h = node_h(n);
				n->x = x;
				n->y = TOP + (double)l * (NODE_H + VGAP) + (NODE_H - n->h) / 2;
				x += n->w + HGAP;
			}
	}
	g->width = *left_room + widest + *right_room;
	g->height = TOP + (double)g->layers * (NODE_H + VGAP) - VGAP + 12 + 30;
}

/* ---- edges -------------------------------------------------------------- */

/*
 * Where edges attach.  A forward edge leaves its source's bottom and
 * enters its target's top; a back edge leaves the top and enters the
 * bottom (it points up); an edge within one layer runs bottom to bottom.
 * The ends on one side of a box are spread evenly along it in the order
 * of where their other ends are, edges routed round the left first and
 * round the right last, so they do not cross at the box.
 */
typedef struct end_ref {
	size_t edge;
	int at_source;
	double other;   /* x of the other end (sort key) */
} end_ref;

static int cmp_ends(const void *a, const void *b)
{
	const end_ref *x = a, *y = b;
	if (x->other != y->other)
		return x->other < y->other ? -1 : 1;
	if (x->edge != y->edge)
		return x->edge < y->edge ? -1 : 1;
	return x->at_source - y->at_source;
}

/* 1 = bottom, 0 = top: the side of node `at_source ? from : to`. */
static int end_side(const graph *g, const gedge *e, int at_source)
{
	int dl = g->n[e->to].layer - g->n[e->from].layer;
	if (dl == 0)
		return 1;
	return (dl > 0) == (at_source != 0);
}

static double other_key(const graph *g, const gedge *e, int at_source)
{
	if (e->longe)
		return -1e9;
	if (e->back && e->side != 0)
		return 1e9;
	const gnode *o = &g->n[at_source ? e->to : e->from];
	return o->x + o->w / 2;
}

static int attach_ends(graph *g)
{
	end_ref *v = malloc((2 * g->ne + 1) * sizeof(*v));
	if (!v)
		return -1;
	for (size_t k = 0; k < g->nn; k++)
		for (int side = 0; side < 2; side++) {
			size_t m = 0;
			for (size_t i = 0; i < g->ne; i++) {
				const gedge *e = &g->e[i];
				if (e->self)
					continue;
				for (int src = 0; src < 2; src++)
					if ((src ? e->from : e->to) == k &&
					    end_side(g, e, src) == side)
						v[m++] = (end_ref){ i, src, other_key(g, e, src) };
			}
			if (m)
				qsort(v, m, sizeof(*v), cmp_ends);
			const gnode *n = &g->n[k];
			for (size_t j = 0; j < m; j++) {
				gedge *e = &g->e[v[j].edge];
				double x = n->x + n->w * (double)(j + 1) / (double)(m + 1);
				double y = side ? n->y + n->h : n->y;
				if (v[j].at_source) {
					e->x0 = x;
					e->y0 = y;
				} else {
					e->x1 = x;
					e->y1 = y;
				}
			}
		}
	free(v);
	return 0;
}

static int route_edges(graph *g)
{
	size_t nlong = 0, nback = 0;
	/* the detours first: their side decides where their ends go */
	for (size_t i = 0; i < g->ne; i++) {
		gedge *e = &g->e[i];
		const gnode *a = &g->n[e->from], *b = &g->n[e->to];
		int span = abs(b->layer - a->layer);
		e->side = 0;
		if (e->self || span <= 1)
			continue;
		int lo = a->layer < b->layer ? a->layer : b->layer;
		int hi = a->layer < b->layer ? b->layer : a->layer;
		if (e->back)
			e->side = side_of(g, lo, hi, 1) + 22 + SIDE_STEP * (double)nback++;
		else
			e->side = side_of(g, lo, hi, 0) - 22 - SIDE_STEP * (double)nlong++;
	}
	if (attach_ends(g))
		return -1;
	for (size_t i = 0; i < g->ne; i++) {
		gedge *e = &g->e[i];
		const gnode *a = &g->n[e->from];
		if (e->self) {
			double xr = a->x + a->w, ym = a->y + a->h / 2;
			e->x0 = xr;
			e->y0 = ym - 8;
			e->cx0 = e->cx1 = xr + 30;
			e->cy0 = ym - 24;
			e->cy1 = ym + 24;
			e->x1 = xr;
			e->y1 = ym + 8;
		} else if (e->side != 0) {
			/* out of the box, round the side, into the other box */
			double k = e->back ? -40 : 40;
			e->cx0 = e->cx1 = e->side + (e->back ? 1 : -1) *
			                  fabs(e->side - (e->x0 + e->x1) / 2) / 3;
			e->cy0 = e->y0 + k;
			e->cy1 = e->y1 - k;
		} else if (g->n[e->from].layer == g->n[e->to].layer) {
			e->cx0 = e->x0;
			e->cx1 = e->x1;
			e->cy0 = e->y0 + 40;
			e->cy1 = e->y1 + 40;
		} else {
			double dy = (e->y1 - e->y0) / 2;
			e->cx0 = e->x0;
			e->cy0 = e->y0 + dy;
			e->cx1 = e->x1;
			e->cy1 = e->y1 - dy;
		}
	}
	return 0;
}

static void bezier(const gedge *e, double t, double *x, double *y)
{
	double u = 1 - t;
	*x = u * u * u * e->x0 + 3 * u * u * t * e->cx0 + 3 * u * t * t * e->cx1 +
	     t * t * t * e->x1;
	*y = u * u * u * e->y0 + 3 * u * u * t * e->cy0 + 3 * u * t * t * e->cy1 +
	     t * t * t * e->y1;
}

/* ---- drawing ------------------------------------------------------------ */

/* Seconds in one `unit`, or 0 for a unit that is not a time unit. */
static double unit_seconds(const char *unit)
{
	static const struct { const char *unit; double s; } t[] = {
		{ "seconds", 1 }, { "minutes", 60 }, { "hours", 3600 },
		{ "days", 86400 }, { "weeks", 604800 },
	};
	for (size_t i = 0; unit && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(unit, t[i].unit) == 0)
			return t[i].s;
	return 0;
}

/* A duration for a label, in the unit that reads best for this value
 * ("42 s", "13 min", "5.1 h", "2.2 d"), whatever the chart's unit. */
static void duration(char *out, size_t cap, double v, const char *unit)
{
	double sec = unit_seconds(unit);
	char num[48];
	if (sec == 0) {   /* not a time unit: the number as given */
		orgmri_fmt_value(num, sizeof(num), v);
		snprintf(out, cap, "%s %s", num, unit ? unit : "");
		return;
	}
	double s = v * sec;
	static const struct { double lim, div; const char *abbr; int dec; } u[] = {
		{ 60, 1, "s", 0 }, { 3600, 60, "min", 0 }, { 48 * 3600.0, 3600, "h", 1 },
		{ INFINITY, 86400, "d", 1 },
	};
	if (!isfinite(s)) {
		snprintf(out, cap, "n/a");
		return;
	}
	size_t i = 0;
	/* the unit in which the value, as rounded, stays below the next
	 * unit: 59.6 min reads "1.0 h", not "60 min" */
	while (i + 1 < sizeof(u) / sizeof(u[0])) {
		double p = u[i].dec ? 10 : 1;
		if (round(fabs(s) / u[i].div * p) / p * u[i].div < u[i].lim)
			break;
		i++;
	}
	double x = s / u[i].div;
	orgmri_fmt_fixed(num, sizeof(num), x, fabs(x) >= 100 ? 0 : u[i].dec);
	snprintf(out, cap, "%s %s", num, u[i].abbr);
}

/* "1465 · 1.2 h": how many, and the median wait. */
static void edge_label(const graph *g, const gedge *e, char *out, size_t cap)
{
	char cnt[48], w[64];
	orgmri_fmt_value(cnt, sizeof(cnt), e->count);
	if (!isfinite(e->wait)) {
		snprintf(out, cap, "%s", cnt);
		return;
	}
	duration(w, sizeof(w), e->wait, g->c->unit);
	snprintf(out, cap, "%s \xc2\xb7 %s", cnt, w);
}

static int overlaps(const box *a, const box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static int fits(const graph *g, const box *b)
{
	if (b->x0 < 2 || b->x1 > g->width - 2 || b->y0 < 2 ||
	    b->y1 > g->height - 30)
		return 0;
	for (size_t i = 0; i < g->nboxes; i++)
		if (overlaps(b, &g->boxes[i]))
			return 0;
	return 1;
}

/* A filled triangle at the curve's end, pointing along its last
 * tangent (drawn, not an SVG marker: the report references nothing by
 * url()). */
static void end_direction(const gedge *e, double *dx, double *dy)
{
	*dx = e->x1 - e->cx1;
	*dy = e->y1 - e->cy1;
	double len = sqrt(*dx * *dx + *dy * *dy);
	if (len < 1e-9) {   /* degenerate tangent: point down */
		*dx = 0;
		*dy = 1;
	} else {
		*dx /= len;
		*dy /= len;
	}
}

static void arrowhead(orgmri_buf *b, const gedge *e, const char *color)
{
	double dx, dy;
	end_direction(e, &dx, &dy);
	double bx = e->x1 - 9 * dx, by = e->y1 - 9 * dy;   /* base centre */
	orgmri_buf_printf(b, "<path fill=\"%s\" d=\"", color);
	svg_point(b, 'M', e->x1, e->y1);
	svg_point(b, 'L', bx - 4.5 * dy, by + 4.5 * dx);
	svg_point(b, 'L', bx + 4.5 * dy, by - 4.5 * dx);
	orgmri_buf_puts(b, "Z\" />\n");
}

static void draw_edges(orgmri_buf *b, const graph *g)
{
	double maxc = 0;
	for (size_t i = 0; i < g->ne; i++)
		maxc = fmax(maxc, g->e[i].count);
	for (size_t i = 0; i < g->ne; i++) {
		const gedge *e = &g->e[i];
		int back = e->back || e->self;
		double sw = 1.2 + 4.8 * sqrt(maxc > 0 ? e->count / maxc : 0);
		orgmri_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
		                  "stroke-opacity=\"0.75\" stroke-width=\"",
		                  back ? BACK_COLOR : FORWARD_COLOR);
		svg_num(b, sw);
		orgmri_buf_puts(b, "\" d=\"");
		svg_point(b, 'M', e->x0, e->y0);
		svg_point(b, 'C', e->cx0, e->cy0);
		svg_point(b, ' ', e->cx1, e->cy1);
		/* the line stops inside the arrowhead, so a thick one does not
		 * poke out past its tip */
		double dx, dy;
		end_direction(e, &dx, &dy);
		svg_point(b, ' ', e->x1 - 7 * dx, e->y1 - 7 * dy);
		orgmri_buf_puts(b, "\"><title>");
		char label[160];
		edge_label(g, e, label, sizeof(label));
		const char *from = g->n[e->from].kind == KIND_START ? "start" :
		                   node_name(g->c, g->n[e->from].src);
		const char *to = g->n[e->to].kind == KIND_END ? "end" :
		                 node_name(g->c, g->n[e->to].src);
		orgmri_html_escape(b, from, 0);
		orgmri_buf_puts(b, " \xe2\x86\x92 ");
		orgmri_html_escape(b, to, 0);
		orgmri_buf_puts(b, ": ");
		orgmri_html_escape(b, label, 0);
		orgmri_buf_puts(b, isfinite(e->wait) ? " (transitions \xc2\xb7 median "
		                    "wait)" : " (items)");
		orgmri_buf_puts(b, "</title></path>\n");
		arrowhead(b, e, back ? BACK_COLOR : FORWARD_COLOR);
	}
}

static void draw_nodes(orgmri_buf *b, graph *g)
{
	for (size_t k = 0; k < g->nn; k++) {
		gnode *n = &g->n[k];
		g->boxes[g->nboxes++] = (box){ n->x - 2, n->y - 2, n->x + n->w + 2,
		                               n->y + n->h + 2 };
		orgmri_buf_puts(b, "<rect x=\"");
		svg_num(b, n->x);
		orgmri_buf_puts(b, "\" y=\"");
		svg_num(b, n->y);
		orgmri_buf_puts(b, "\" width=\"");
		svg_num(b, n->w);
		orgmri_buf_puts(b, "\" height=\"");
		svg_num(b, n->h);
		double cx = n->x + n->w / 2;
		if (n->kind != KIND_ACT) {
			orgmri_buf_puts(b, "\" rx=\"13\" fill=\"#f6f8fa\" stroke=\"#59636e\" />\n");
			svg_text(b, cx, n->y + 17, "middle", "tick",
			         n->kind == KIND_START ? "start" : "end", 0);
			continue;
		}
		orgmri_buf_puts(b, "\" rx=\"5\" fill=\"#e8f1f8\" stroke=\"#0072b2\" />\n");
		const orgmri_chart_graph_node *src = &g->c->nodes[n->src];
		size_t fit = (size_t)((n->w - 12) / CHAR_W);
		svg_text(b, cx, n->y + 18, "middle", "atitle", node_name(g->c, n->src),
		         fit);
		char cnt[48], w[64], line[160];
		orgmri_fmt_value(cnt, sizeof(cnt), src->count);
		if (isfinite(src->work)) {
			duration(w, sizeof(w), src->work, g->c->unit);
			snprintf(line, sizeof(line), "%s \xc2\xb7 work %s", cnt, w);
		} else {
			snprintf(line, sizeof(line), "%s events", cnt);
		}
		svg_text(b, cx, n->y + 35, "middle", "tick", line, fit);
	}
}

static void draw_labels(orgmri_buf *b, graph *g)
{
	static const double at[] = { 0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78 };
	/* centred on the curve, else beside it on either side */
	static const double beside[] = { 0, 1, -1 };
	for (size_t i = 0; i < g->ne; i++) {   /* strongest first */
		const gedge *e = &g->e[i];
		char label[160];
		edge_label(g, e, label, sizeof(label));
		double w = svg_text_width(label, 0);
		int placed = 0;
		for (size_t j = 0; !placed && j < sizeof(at) / sizeof(at[0]); j++)
			for (size_t k = 0; !placed && k < 3; k++) {
				double x, y;
				bezier(e, e->self ? 0.5 : at[j], &x, &y);
				double x0 = e->self || (e->back && e->side != 0) ? x + 4
				            : e->longe ? x - 4 - w : x - w / 2;
				x0 += beside[k] * (w / 2 + 8);
				box bx = { x0 - 2, y - LABEL_H / 2 - 2, x0 + w + 2,
				           y + LABEL_H / 2 + 2 };
				if (!fits(g, &bx))
					continue;
				g->boxes[g->nboxes++] = bx;
				svg_text(b, x0, y + 4, "start", "val", label, 0);
				placed = 1;
			}
	}
}

static void draw_note(orgmri_buf *b, const graph *g)
{
	char s[256], pct[48];
	orgmri_fmt_fixed(pct, sizeof(pct),
	                 g->total > 0 ? 100.0 * g->covered / g->total : 100, 0);
	snprintf(s, sizeof(s), "drawn: %zu of %zu activities, %zu of %zu kinds "
	         "of transition (%s%% of all transitions)", g->shown_acts,
	         g->c->nnodes, g->ne, g->all_edges, pct);
	svg_text(b, 8, g->height - 10, "start", "tick", s, 0);
}

/* Select, lay out and draw into b (the shapes only; the caller writes
 * the <svg> element around them). */
static int layout(graph *g, double min_width)
{
	if (select_graph(g))
		return -1;
	drop_isolated(g);
	assign_layers(g);
	if (order_layers(g))
		return -1;
	double lr, rr;
	place_nodes(g, &lr, &rr);
	if (route_edges(g))
		return -1;
	/* wide enough for the note under the drawing */
	double note = svg_text_width("drawn: 00 of 00 activities, 000 of 000 "
	                             "kinds of transition (100% of all "
	                             "transitions)", 0) + 24;
	min_width = fmax(min_width, note);
	if (g->width < min_width) {
		/* centre the drawing in the wider frame */
		double dx = (min_width - g->width) / 2;
		for (size_t k = 0; k < g->nn; k++)
			g->n[k].x += dx;
		for (size_t i = 0; i < g->ne; i++) {
			gedge *e = &g->e[i];
			e->x0 += dx;
			e->x1 += dx;
			e->cx0 += dx;
			e->cx1 += dx;
			if (e->side != 0)
				e->side += dx;
		}
		g->width = min_width;
	}
	g->boxes = malloc((g->nn + g->ne + 1) * sizeof(*g->boxes));
	return g->boxes ? 0 : -1;
}

static void draw(orgmri_buf *b, graph *g)
{
	orgmri_buf_puts(b, "<g>\n");
	draw_edges(b, g);
	draw_nodes(b, g);
	draw_labels(b, g);
	draw_note(b, g);
	orgmri_buf_puts(b, "</g>\n");
}

static void graph_free(graph *g)
{
	free(g->n);
	free(g->e);
	free(g->boxes);
}

static int check_args(const orgmri_chart_graph *c)
{
	if (!c || (c->nnodes && !c->nodes) || (c->nedges && !c->edges))
		return -1;
	return 0;
}

/* ---- the numbers ------------------------------------------------------- */

static void fmt_num(char *out, size_t cap, double v)
{
	orgmri_fmt_value(out, cap, v);
}

static void graph_tables(orgmri_report *r, const orgmri_chart_graph *c)
{
	char sum[ORGMRI_REPORT_TEXT_MAX + 64];
	snprintf(sum, sizeof(sum), "Show the numbers (times in %s)",
	         c->unit ? c->unit : "the unit given");
	orgmri_report_details_open(r, sum);
	const char *ha[5] = { "activity", "events", "starts", "ends",
	                      "median working time" };
	orgmri_report_subtable_begin(r, "Activities", ha, 5, "lrrrr");
	char t[4][48];
	size_t shown = c->nnodes < SVG_TABLE_MAX ? c->nnodes : SVG_TABLE_MAX;
	for (size_t i = 0; i < shown; i++) {
		const orgmri_chart_graph_node *n = &c->nodes[i];
		fmt_num(t[0], 48, n->count);
		fmt_num(t[1], 48, n->starts);
		fmt_num(t[2], 48, n->ends);
		orgmri_fmt_fixed(t[3], 48, n->work, 2);
		const char *cells[5] = { node_name(c, i), t[0], t[1], t[2], t[3] };
		orgmri_report_subtable_row(r, cells, 5, "lrrrr");
	}
	if (shown < c->nnodes) {
		char s[96];
		snprintf(s, sizeof(s), "... and %zu more rows, not listed here",
		         c->nnodes - shown);
		const char *cells[5] = { s, NULL, NULL, NULL, NULL };
		orgmri_report_subtable_row(r, cells, 5, NULL);
	}
	orgmri_report_subtable_end(r);
	const char *he[4] = { "from", "to", "transitions", "median wait" };
	orgmri_report_subtable_begin(r, "Directly-follows transitions", he, 4,
	                             "llrr");
	shown = c->nedges < SVG_TABLE_MAX ? c->nedges : SVG_TABLE_MAX;
	for (size_t i = 0; i < shown; i++) {
		const orgmri_chart_graph_edge *e = &c->edges[i];
		if (e->from >= c->nnodes || e->to >= c->nnodes)
			continue;
		fmt_num(t[0], 48, e->count);
		orgmri_fmt_fixed(t[1], 48, e->wait, 2);
		const char *cells[4] = { node_name(c, e->from), node_name(c, e->to),
		                         t[0], t[1] };
		orgmri_report_subtable_row(r, cells, 4, "llrr");
	}
	if (shown < c->nedges) {
		char s[96];
		snprintf(s, sizeof(s), "... and %zu more rows, not listed here",
		         c->nedges - shown);
		const char *cells[4] = { s, NULL, NULL, NULL };
		orgmri_report_subtable_row(r, cells, 4, NULL);
	}
	orgmri_report_subtable_end(r);
	orgmri_report_details_close(r);
}

/* ---- entry points ------------------------------------------------------- */

int orgmri_report_chart_graph(orgmri_report *r, const orgmri_chart_graph *c)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (check_args(c))
		return orgmri_report_fail(r, ORGMRI_EINVAL,
		                          "process map chart: missing data arrays");
	graph g = { .c = c };
	/* as wide as the other charts, so the text has the same size */
	if (layout(&g, 760)) {
		graph_free(&g);
		return orgmri_report_fail(r, ORGMRI_ENOMEM, "out of memory");
	}
	svg_chart_begin(r, &c->text, (int)ceil(g.width), (int)ceil(g.height));
	if (c->nnodes == 0) {
		svg_frame f = { 8, 8, g.width - 8, g.height - 8 };
		svg_no_data(&r->body, &f);
	} else {
		draw(&r->body, &g);
	}
	svg_chart_end_svg(r, &c->text);
	graph_tables(r, c);
	graph_free(&g);
	svg_chart_end(r);
	return orgmri_report_settle(r);
}

static const char standalone_style[] =
	"<style>\n"
	"text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
	"font-size:12px;fill:#1f2328}\n"
	".tick{fill:#59636e}\n"
	".atitle{font-weight:600;fill:#444c56}\n"
	".val{fill:#444c56;paint-order:stroke;stroke:#fff;stroke-width:3px;"
	"stroke-linejoin:round}\n"
	"</style>\n";

int orgmri_chart_graph_write_svg(const orgmri_chart_graph *c, FILE *fp,
                                 orgmri_error *err)
{
	if (check_args(c) || !fp)
		return orgmri_seterr(err, ORGMRI_EINVAL, "process map: bad arguments");
	graph g = { .c = c };
	orgmri_buf b = ORGMRI_BUF_INIT;
	int rc = 0;
	if (layout(&g, 0)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	orgmri_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
	svg_num(&b, ceil(g.width));
	orgmri_buf_puts(&b, "\" height=\"");
	svg_num(&b, ceil(g.height));
	orgmri_buf_puts(&b, "\" viewBox=\"0 0 ");
	svg_num(&b, ceil(g.width));
	orgmri_buf_putc(&b, ' ');
	svg_num(&b, ceil(g.height));
	orgmri_buf_puts(&b, "\" role=\"img\">\n<title>");
	orgmri_html_escape(&b, c->text.title ? c->text.title : "Process map", 0);
	orgmri_buf_puts(&b, "</title>\n");
	if (c->text.how_to_read) {
		orgmri_buf_puts(&b, "<desc>");
		orgmri_html_escape(&b, c->text.how_to_read, 0);
		orgmri_buf_puts(&b, "</desc>\n");
	}
	orgmri_buf_puts(&b, standalone_style);
	orgmri_buf_puts(&b, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\" />\n");
	draw(&b, &g);
	orgmri_buf_puts(&b, "</svg>\n");
	if (b.oom) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	if (fwrite(b.ptr, 1, b.len, fp) != b.len)
		rc = orgmri_seterr(err, ORGMRI_EIO, "cannot write the SVG");
done:
	orgmri_buf_free(&b);
	graph_free(&g);
	return rc;
}
