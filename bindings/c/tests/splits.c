/* Every split of every input gives what one feed gives, and one feed gives
 * what the `structream` command-line tool prints.
 *
 * Usage: splits MANIFEST [--sample-above BYTES]
 *
 * Each line of MANIFEST is `INPUT<TAB>EXPECT_DIR[<TAB>CUTS]`, CUTS a file of
 * byte offsets, one a line: the chunking the input was recorded with. EXPECT_DIR holds the
 * tool's output for INPUT (written by expect.sh):
 *   parse.err     `structream parse INPUT` stderr (empty when valid)
 *   strict.out    `structream partial INPUT` stdout, strict.err its stderr
 *   items.out     `structream items` stdout, with the paths of the strict
 *                 configuration below
 *   lenient.out   `structream partial --lenient --strings complete INPUT`
 *                 stdout, lenient.err its stderr
 *
 * Two configurations are run: strict (the items of a root array and of
 * the arrays in it or in a root object) and lenient
 * (strings shown once complete). For each, through the C ABI:
 *   - one feed of the whole input equals the tool's output: the error text
 *     (message, line, column, byte), the last snapshot, the items;
 *   - byte by byte, cycling chunk sizes, and every split into two chunks
 *     give the same final snapshot, finish result and error, the same
 *     items (a failed feed reports those its chunk closed before the
 *     error), and after the first chunk of a split the
 *     snapshot seen byte by byte at that point;
 *   - a feed that changes the snapshot text returns 1, not 0; after
 *     an error, feed and finish return -1 and keep the error.
 * Inputs longer than --sample-above bytes are split at 64 points spread
 * over them instead of at every byte (for runs under valgrind). */
#include <inttypes.h>
#include <stdint.h>

#include "structream.h"
#include "support.h"

/* What a run through the C ABI saw. */
typedef struct {
    bytes last_snapshot;   /* after finish (or the failing call) */
    bytes_list items;      /* every item reported, in order */
    int finish_rc;         /* -2 when a feed failed and finish was not reached */
    bytes error;
    uint64_t error_byte;   /* from structream_document_error_position */
    int has_position;
} outcome;

typedef struct {
    int lenient;
} config;

static structream_document *open_doc(const config *cfg) {
    structream_document *doc = structream_document_new();
    if (cfg->lenient) {
        CHECK(structream_document_set_lenient(doc, 1) == 0, "set_lenient");
        CHECK(structream_document_set_strings(doc, STRUCTREAM_STRINGS_COMPLETE) == 0,
              "set_strings");
    } else {
        CHECK(structream_document_add_items(doc, "") == 0, "add_items \"\"");
        CHECK(structream_document_add_items(doc, "/*") == 0, "add_items /*");
    }
    return doc;
}

static bytes take_snapshot(structream_document *doc) {
    size_t len = 12345;
    const char *s = structream_document_snapshot(doc, &len);
    if (s == NULL) {
        CHECK(len == 0, "a NULL snapshot has length 0, not %zu", len);
        return bytes_none();
    }
    CHECK(s[len] == '\0', "a snapshot is followed by a NUL");
    CHECK(strlen(s) == len, "a snapshot has no NUL inside");
    return bytes_copy(s, len);
}

static void take_items(structream_document *doc, bytes_list *items) {
    size_t n = structream_document_item_count(doc);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *s = structream_document_item(doc, i, &len);
        CHECK(s != NULL && s[len] == '\0', "item %zu is there, NUL-terminated", i);
        if (s != NULL) {
            list_push(items, bytes_copy(s, len));
        }
    }
    CHECK(structream_document_item(doc, n, NULL) == NULL, "no item past the count");
}

/* Feeds `data` cut at `cuts` (increasing, inside (0, n)), then finishes.
 * With `at_cut`, the snapshot after each chunk that ends at a cut is put
 * there (one per cut). `name` names the run in messages. */
static void run(const config *cfg, const uint8_t *data, size_t n, const size_t *cuts,
                size_t ncuts, bytes_list *at_cut, outcome *out, const char *name) {
    structream_document *doc = open_doc(cfg);
    bytes seen = bytes_none();
    memset(out, 0, sizeof *out);
    out->finish_rc = -2;
    int failed = 0;
    size_t start = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : n;
        int rc = structream_document_feed(doc, data + start, end - start);
        start = end;
        bytes now = take_snapshot(doc);
        if (failed) {
            CHECK(rc == -1, "%s: a feed after an error fails", name);
        } else if (rc == -1) {
            failed = 1;
            take_items(doc, &out->items);
        } else {
            CHECK(rc == 0 || rc == 1, "%s: feed returns -1, 0 or 1, not %d", name, rc);
            /* 1 may also mean a change the text does not show (a repeated
             * key given the same value again). */
            CHECK(rc == 1 || bytes_equal(seen, now),
                  "%s: feed returned %d at byte %zu, snapshot %s then %s", name, rc, end,
                  bytes_show(seen), bytes_show(now));
            take_items(doc, &out->items);
        }
        if (c < ncuts && at_cut != NULL) {
            list_push(at_cut, bytes_copy(now.data, now.len));
        }
        bytes_free(&seen);
        seen = now;
    }
    bytes error_before = bytes_none();
    if (failed) {
        size_t len = 0;
        const char *e = structream_document_error(doc, &len);
        error_before = bytes_copy(e, len);
    }
    out->finish_rc = structream_document_finish(doc);
    CHECK(!failed || out->finish_rc == -1, "%s: finish after an error fails", name);
    if (!failed) {
        take_items(doc, &out->items);
    }
    CHECK(structream_document_finish(doc) == out->finish_rc, "%s: finish again", name);
    out->last_snapshot = take_snapshot(doc);
    CHECK(bytes_equal(out->last_snapshot, seen) || out->finish_rc >= 0,
          "%s: a failed finish leaves the snapshot as it was", name);
    size_t len = 0;
    const char *e = structream_document_error(doc, &len);
    out->error = bytes_copy(e, len);
    if (failed) {
        CHECK(bytes_equal(error_before, out->error), "%s: finish keeps the error", name);
    }
    uint64_t line = 0, column = 0;
    out->has_position =
        structream_document_error_position(doc, &out->error_byte, &line, &column) == 1;
    CHECK(out->has_position == (out->error.data != NULL),
          "%s: an input error has a position", name);
    if (out->has_position) {
        char tail[96];
        snprintf(tail, sizeof tail, " at line %" PRIu64 " column %" PRIu64 " (byte %" PRIu64 ")",
                 line, column, out->error_byte);
        size_t tl = strlen(tail);
        CHECK(out->error.len > tl && memcmp(out->error.data + out->error.len - tl, tail, tl) == 0,
              "%s: the error text %s ends with the position%s", name, out->error.data, tail);
    }
    bytes_free(&seen);
    bytes_free(&error_before);
    structream_document_free(doc);
}

static void outcome_free(outcome *o) {
    bytes_free(&o->last_snapshot);
    list_free(&o->items);
    bytes_free(&o->error);
}

/* Whether `snapshot` is none, or `most` (byte by byte's at the error: the
 * error byte may end a number), or the snapshot after one of the first
 * `before` bytes (`prefix` holds the snapshot after each byte but the last). */
static int shown_before(bytes snapshot, const bytes_list *prefix, uint64_t before, bytes most) {
    if (snapshot.data == NULL || bytes_equal(snapshot, most)) {
        return 1;
    }
    for (size_t j = 0; j < prefix->len && j < before; j++) {
        if (bytes_equal(snapshot, prefix->items[j])) {
            return 1;
        }
    }
    return 0;
}

/* Whether `other` ended as `whole` did. When the input is invalid, the
 * value shown at the error depends on where the chunks were cut (the events
 * of the failing chunk before the error are applied, or not): `other`'s is
 * then one that byte-by-byte feeding showed before the error byte (`prefix`).
 * The items never depend on the chunking. */
static void compare(const outcome *whole, const outcome *other, const bytes_list *prefix,
                    const outcome *most, const char *label) {
    if (whole->finish_rc != -1) {
        CHECK(bytes_equal(whole->last_snapshot, other->last_snapshot),
              "%s: snapshot %s, one feed %s", label,
              bytes_show(other->last_snapshot), bytes_show(whole->last_snapshot));
    } else {
        CHECK(shown_before(other->last_snapshot, prefix, whole->error_byte, most->last_snapshot),
              "%s: snapshot %s after the error was never seen before it", label,
              bytes_show(other->last_snapshot));
    }
    CHECK(whole->finish_rc == other->finish_rc, "%s: finish %d, one feed %d", label,
          other->finish_rc, whole->finish_rc);
    CHECK(bytes_equal(whole->error, other->error), "%s: error %s, one feed %s", label,
          bytes_show(other->error), bytes_show(whole->error));
    CHECK(list_equal(&whole->items, &other->items), "%s: %zu items, one feed %zu", label,
          other->items.len, whole->items.len);
}

/* The text of a tool's `error: ...` line, or none. */
static bytes error_line(bytes stderr_text) {
    bytes_list lines = split_lines(stderr_text);
    bytes b = bytes_none();
    if (lines.len > 0 && lines.items[0].len >= 7 && memcmp(lines.items[0].data, "error: ", 7) == 0) {
        b = bytes_copy(lines.items[0].data + 7, lines.items[0].len - 7);
    }
    list_free(&lines);
    return b;
}

static bytes expect_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bytes b = read_file(path);
    CHECK(b.data != NULL, "cannot read %s", path);
    return b;
}

/* One feed against the tool's output. */
static void compare_with_tool(const outcome *whole, const char *input, const char *dir,
                              const char *out_name, const char *err_name, int with_items) {
    bytes err = expect_file(dir, err_name);
    bytes expected_error = error_line(err);
    CHECK(bytes_equal(whole->error, expected_error), "%s: error %s, the tool says %s", input,
          bytes_show(whole->error), bytes_show(expected_error));
    CHECK((whole->finish_rc == 1) == (expected_error.data == NULL),
          "%s: finish %d where the tool says %s", input, whole->finish_rc,
          bytes_show(expected_error));
    bytes out = expect_file(dir, out_name);
    bytes_list lines = split_lines(out);
    bytes last = lines.len > 0 ? lines.items[lines.len - 1] : bytes_none();
    /* The tool prints a snapshot after each feed that succeeds. */
    CHECK(whole->finish_rc == -1 || bytes_equal(whole->last_snapshot, last),
          "%s: snapshot %s, the tool prints %s", input, bytes_show(whole->last_snapshot),
          bytes_show(last));
    if (with_items) {
        bytes items = expect_file(dir, "items.out");
        bytes_list expected = split_lines(items);
        CHECK(list_equal(&whole->items, &expected), "%s: %zu items, the tool prints %zu", input,
              whole->items.len, expected.len);
        list_free(&expected);
        bytes_free(&items);
        /* The tokenizer and value builder behind `parse` word errors alike. */
        bytes parse_err = expect_file(dir, "parse.err");
        bytes parse_error = error_line(parse_err);
        CHECK(bytes_equal(whole->error, parse_error), "%s: error %s, `parse` says %s", input,
              bytes_show(whole->error), bytes_show(parse_error));
        bytes_free(&parse_error);
        bytes_free(&parse_err);
    }
    list_free(&lines);
    bytes_free(&out);
    bytes_free(&expected_error);
    bytes_free(&err);
}

/* The offsets in the file `path` that lie within the input's `n` bytes. */
static size_t read_cuts(const char *path, size_t n, size_t **cuts) {
    bytes text = read_file(path);
    CHECK(text.data != NULL, "cannot read %s", path);
    bytes_list lines = split_lines(text);
    *cuts = support_alloc(NULL, (lines.len + 1) * sizeof(size_t));
    size_t m = 0;
    for (size_t i = 0; i < lines.len; i++) {
        size_t at = (size_t)strtoull(lines.items[i].data, NULL, 10);
        CHECK(m == 0 || at >= (*cuts)[m - 1], "%s: offsets increase", path);
        if (at <= n) {
            (*cuts)[m++] = at;
        }
    }
    list_free(&lines);
    bytes_free(&text);
    return m;
}

static void check_input(const config *cfg, const char *input, const char *dir,
                        const char *cuts_file, size_t sample_above) {
    bytes text = read_file(input);
    CHECK(text.data != NULL, "cannot read %s", input);
    if (text.data == NULL) {
        return;
    }
    const uint8_t *data = (const uint8_t *)text.data;
    size_t n = text.len;
    const char *mode = cfg->lenient ? "lenient" : "strict";

    char label[4096];
    snprintf(label, sizeof label, "%s (%s, one feed)", input, mode);
    outcome whole;
    run(cfg, data, n, NULL, 0, NULL, &whole, label);
    if (cfg->lenient) {
        compare_with_tool(&whole, input, dir, "lenient.out", "lenient.err", 0);
    } else {
        compare_with_tool(&whole, input, dir, "strict.out", "strict.err", 1);
    }

    /* Byte by byte: the snapshot after every prefix. */
    size_t ncuts = n > 0 ? n - 1 : 0;
    size_t *cuts = support_alloc(NULL, (ncuts + 1) * sizeof(size_t));
    for (size_t i = 0; i < ncuts; i++) {
        cuts[i] = i + 1;
    }
    snprintf(label, sizeof label, "%s (%s, byte by byte)", input, mode);
    bytes_list prefix = {NULL, 0, 0};
    outcome bytewise;
    run(cfg, data, n, cuts, ncuts, &prefix, &bytewise, label);
    compare(&whole, &bytewise, &prefix, &bytewise, label);

    /* Chunks of 1, 2, 3, 5, 8, 13 bytes, cycling. */
    static const size_t sizes[] = {1, 2, 3, 5, 8, 13};
    size_t m = 0;
    for (size_t at = 0, s = 0;;) {
        at += sizes[s++ % 6];
        if (at >= n) {
            break;
        }
        cuts[m++] = at;
    }
    snprintf(label, sizeof label, "%s (%s, cycling chunk sizes)", input, mode);
    outcome cycled;
    run(cfg, data, n, cuts, m, NULL, &cycled, label);
    compare(&whole, &cycled, &prefix, &bytewise, label);
    outcome_free(&cycled);

    /* As the provider sent it: empty chunks included. */
    if (cuts_file != NULL) {
        size_t *recorded = NULL;
        size_t r = read_cuts(cuts_file, n, &recorded);
        snprintf(label, sizeof label, "%s (%s, %zu chunks as recorded)", input, mode, r + 1);
        outcome as_sent;
        run(cfg, data, n, recorded, r, NULL, &as_sent, label);
        compare(&whole, &as_sent, &prefix, &bytewise, label);
        outcome_free(&as_sent);
        free(recorded);
    }

    /* Every split into two chunks (or 64 spread over a long input). */
    size_t step = n > sample_above ? n / 64 + 1 : 1;
    for (size_t k = 1; k < n; k += step) {
        snprintf(label, sizeof label, "%s (%s, split at %zu)", input, mode, k);
        outcome split;
        bytes_list first = {NULL, 0, 0};
        run(cfg, data, n, &k, 1, &first, &split, label);
        compare(&whole, &split, &prefix, &bytewise, label);
        /* Before an error, chunking changes nothing. (An error found at the
         * end of an escape is placed on the byte after it.) */
        int past_error = whole.finish_rc == -1 && k >= whole.error_byte;
        CHECK(past_error || bytes_equal(first.items[0], prefix.items[k - 1]),
              "%s: first chunk's snapshot %s, byte by byte %s", label,
              bytes_show(first.items[0]), bytes_show(prefix.items[k - 1]));
        list_free(&first);
        outcome_free(&split);
    }
    free(cuts);
    list_free(&prefix);
    outcome_free(&bytewise);
    outcome_free(&whole);
    bytes_free(&text);
}

int main(int argc, char **argv) {
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--sample-above") == 0)) {
        fprintf(stderr, "usage: %s MANIFEST [--sample-above BYTES]\n", argv[0]);
        return 2;
    }
    size_t sample_above = argc == 4 ? (size_t)strtoull(argv[3], NULL, 10) : SIZE_MAX;
    bytes manifest = read_file(argv[1]);
    if (manifest.data == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    bytes_list lines = split_lines(manifest);
    size_t inputs = 0;
    for (size_t i = 0; i < lines.len; i++) {
        char *line = lines.items[i].data;
        char *tab = strchr(line, '\t');
        if (tab == NULL) {
            continue;
        }
        *tab = '\0';
        char *cuts = strchr(tab + 1, '\t');
        if (cuts != NULL) {
            *cuts++ = '\0';
        }
        static const config configs[] = {{0}, {1}};
        for (size_t c = 0; c < 2; c++) {
            check_input(&configs[c], line, tab + 1, cuts, sample_above);
        }
        inputs++;
    }
    fprintf(stderr, "splits: %zu inputs\n", inputs);
    CHECK(inputs > 0, "the manifest lists inputs");
    list_free(&lines);
    bytes_free(&manifest);
    return support_report("splits");
}
