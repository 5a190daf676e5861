/* fuzz_snapshot.c - the table snapshot reader must refuse or accept any
 * file without reading outside it, and what it accepts must be a table
 * whose every index stays inside its arrays.  The input's checksums are
 * recomputed first (snapshot_seal), so the fuzzer reaches the structural
 * checks behind them; the generation asked for is the one the input
 * carries (bytes 16..23). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Follow every index of an accepted table (ASan reports a stray read). */
static void walk(const orgmri_table *t)
{
	size_t sum = 0;
	for (size_t o = 0; o < t->nobjects; o++) {
		sum += strlen(orgmri_table_object_key(t, o)) + strlen(t->type_names[t->obj_type[o]]);
		for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
			sum += strlen(t->activity_names[t->ev_activity[e]]);
			sum += strlen(t->person_names[t->ev_actor[e]]);
			uint32_t s = t->ev_attrs[e];
			for (uint32_t i = t->aset_first[s]; i < t->aset_first[s + 1]; i++)
				sum += strlen(t->attr_key_names[t->aset_key[i]]) +
				       strlen(orgmri_table_aset_value(t, i));
		}
		for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
			sum += t->link_dst[l] +
			       strlen(t->relation_names[t->link_rel[l]]);
		for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
			sum += t->rlink_src[l] +
			       strlen(t->relation_names[t->rlink_rel[l]]);
	}
	if (sum == (size_t)-1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/fuzz_snapshot.%ld", (long)getpid());
	uint8_t *img = malloc(size ? size : 1);
	if (!img)
		return 0;
	memcpy(img, data, size);
	snapshot_seal(img, size);
	uint64_t gen = 0;
	if (size >= 24)
		memcpy(&gen, img + 16, 8);
	FILE *fp = fopen(path, "wb");
	if (fp) {
		fwrite(img, 1, size, fp);
		fclose(fp);
		orgmri_table t;
		snapshot_map m;
		memset(&t, 0, sizeof(t));
		if (snapshot_map_file(path, gen, &t, &m, NULL) == 0) {
			walk(&t);
			snapshot_unmap(&m);
		}
		unlink(path);
	}
	free(img);
	return 0;
}
