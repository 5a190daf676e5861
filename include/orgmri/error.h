/*
 * error.h - error codes and the caller-owned error record.
 *
 * Every fallible function in liborgmri returns an int: 0 on success or a
 * negative ORGMRI_E* code.  Most also take an optional `orgmri_error *`
 * (may be NULL) which, on failure, is filled with a human-readable message
 * and, where known, the location of the problem in the input: the file,
 * line and column, the record number, or a JSON path.  The struct is plain
 * data owned by the caller; nothing in it needs freeing.
 */
#ifndef ORGMRI_ERROR_H
#define ORGMRI_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	ORGMRI_OK = 0,
	ORGMRI_ENOMEM = -1,      /* out of memory */
	ORGMRI_EINVAL = -2,      /* bad argument or bad usage */
	ORGMRI_EPARSE = -3,      /* input is malformed */
	ORGMRI_EIO = -4,         /* reading or writing a file failed */
	ORGMRI_ESTORE = -5,      /* the store (database) failed */
	ORGMRI_ENOTFOUND = -6,   /* a named thing does not exist */
	ORGMRI_EUNSUPPORTED = -7,/* a valid input we cannot handle */
	ORGMRI_ELIMIT = -8,      /* an input exceeded a size cap */
	ORGMRI_ECORRUPT = -9     /* stored or source data is damaged */
};

#define ORGMRI_ERROR_MSG_MAX 512
#define ORGMRI_ERROR_FILE_MAX 512
#define ORGMRI_ERROR_PATH_MAX 256

typedef struct orgmri_error {
	int code;                          /* the ORGMRI_E* code, 0 if none */
	char message[ORGMRI_ERROR_MSG_MAX];
	char file[ORGMRI_ERROR_FILE_MAX];  /* input file, "" if none */
	long line;                         /* 1-based, 0 = unknown */
	long column;                       /* 1-based, 0 = unknown */
	long long record;                  /* 1-based record number, 0 = unknown */
	char path[ORGMRI_ERROR_PATH_MAX];  /* JSON path such as $[3].user.login */
} orgmri_error;

/* Reset an error record to "no error". */
void orgmri_error_clear(orgmri_error *err);

/* Short name of an error code, e.g. "parse error". Never NULL. */
const char *orgmri_strerror(int code);

/*
 * Format the error as one line: "FILE:LINE:COL: MESSAGE" or
 * "FILE: record N: $.path: MESSAGE", leaving out what is unknown.
 * Writes at most `size` bytes including the terminator; returns `buf`.
 */
char *orgmri_error_format(const orgmri_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
