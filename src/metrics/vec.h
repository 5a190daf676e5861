/*
 * vec.h - a growable array of doubles, shared by the metric families
 * (internal; not public API).
 */
#ifndef ORGMRI_METRICS_VEC_H
#define ORGMRI_METRICS_VEC_H

#include <stddef.h>

typedef struct dvec {
	double *v;
	size_t n, cap;
} dvec;

/* Append x; 0 or ORGMRI_ENOMEM (the vector is unchanged then). */
int dvec_push(dvec *d, double x);

#endif
