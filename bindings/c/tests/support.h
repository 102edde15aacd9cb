/* Helpers of the C tests: checks that count failures, files read whole,
 * and growable lists of byte strings. */
#ifndef STRUCTREAM_TEST_SUPPORT_H
#define STRUCTREAM_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long support_failures = 0;
static unsigned long support_checks = 0;

/* Records a failed check with its message; the run goes on so one run shows
 * every difference (up to a limit). */
static inline void support_fail(const char *file, int line, const char *fmt, ...) {
    support_failures++;
    if (support_failures > 400) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "%s:%d: ", file, line);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        support_checks++;                                                 \
        if (!(cond)) {                                                    \
            support_fail(__FILE__, __LINE__, __VA_ARGS__);                \
        }                                                                 \
    } while (0)

/* The exit status of a test program: 0 when every check passed. */
static inline int support_report(const char *name) {
    fprintf(stderr, "%s: %lu checks, %lu failed\n", name, support_checks, support_failures);
    return support_failures == 0 ? 0 : 1;
}

/* Allocates or exits: the tests do not go on without memory. */
static inline void *support_alloc(void *ptr, size_t size) {
    void *p = realloc(ptr, size == 0 ? 1 : size);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* A byte string; `data` is NULL for "none" (a NULL snapshot or error),
 * which differs from the empty string. */
typedef struct {
    char *data;
    size_t len;
} bytes;

static inline bytes bytes_none(void) {
    bytes b = {NULL, 0};
    return b;
}

/* A copy of `len` bytes at `data` (NULL gives none), NUL-terminated. */
static inline bytes bytes_copy(const char *data, size_t len) {
    if (data == NULL) {
        return bytes_none();
    }
    bytes b;
    b.data = support_alloc(NULL, len + 1);
    memcpy(b.data, data, len);
    b.data[len] = '\0';
    b.len = len;
    return b;
}

static inline int bytes_equal(bytes a, bytes b) {
    if (a.data == NULL || b.data == NULL) {
        return a.data == b.data;
    }
    return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/* For messages: the text, or "(none)". */
static inline const char *bytes_show(bytes b) {
    return b.data == NULL ? "(none)" : b.data;
}

static inline void bytes_free(bytes *b) {
    free(b->data);
    *b = bytes_none();
}

/* The whole file at `path`, or none when it cannot be read. */
static inline bytes read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return bytes_none();
    }
    bytes b = {support_alloc(NULL, 4096), 0};
    size_t cap = 4096;
    size_t n;
    while ((n = fread(b.data + b.len, 1, cap - b.len, f)) > 0) {
        b.len += n;
        if (b.len == cap) {
            cap *= 2;
            b.data = support_alloc(b.data, cap);
        }
    }
    fclose(f);
    b.data = support_alloc(b.data, b.len + 1);
    b.data[b.len] = '\0';
    return b;
}

/* A list of byte strings. */
typedef struct {
    bytes *items;
    size_t len;
    size_t cap;
} bytes_list;

static inline void list_push(bytes_list *list, bytes b) {
    if (list->len == list->cap) {
        list->cap = list->cap == 0 ? 8 : list->cap * 2;
        list->items = support_alloc(list->items, list->cap * sizeof(bytes));
    }
    list->items[list->len++] = b;
}

/* Whether the first `a->len` entries of `b` equal `a`. */
static inline int list_is_prefix(const bytes_list *a, const bytes_list *b) {
    if (a->len > b->len) {
        return 0;
    }
    for (size_t i = 0; i < a->len; i++) {
        if (!bytes_equal(a->items[i], b->items[i])) {
            return 0;
        }
    }
    return 1;
}

static inline int list_equal(const bytes_list *a, const bytes_list *b) {
    return a->len == b->len && list_is_prefix(a, b);
}

static inline void list_free(bytes_list *list) {
    for (size_t i = 0; i < list->len; i++) {
        bytes_free(&list->items[i]);
    }
    free(list->items);
    list->items = NULL;
    list->len = list->cap = 0;
}

/* The lines of `text` (without their '\n'); a last line without '\n'
 * counts too. */
static inline bytes_list split_lines(bytes text) {
    bytes_list lines = {NULL, 0, 0};
    size_t start = 0;
    for (size_t i = 0; i < text.len; i++) {
        if (text.data[i] == '\n') {
            list_push(&lines, bytes_copy(text.data + start, i - start));
            start = i + 1;
        }
    }
    if (start < text.len) {
        list_push(&lines, bytes_copy(text.data + start, text.len - start));
    }
    return lines;
}

#endif /* STRUCTREAM_TEST_SUPPORT_H */
