/* The C ABI's contract, call by call: NULL arguments, options, errors and
 * their positions, completion, item events, node states and the strings
 * handed out. Run under valgrind, which also checks every string read here
 * lies in memory the library still owns. */
#include <stdint.h>

#include "structream.h"
#include "support.h"

/* Feeds a NUL-terminated text. */
static int feed(structream_document *doc, const char *text) {
    return structream_document_feed(doc, (const uint8_t *)text, strlen(text));
}

/* Whether the snapshot is `expected` (NULL: no snapshot). */
static int snapshot_is(structream_document *doc, const char *expected) {
    size_t len = 99;
    const char *s = structream_document_snapshot(doc, &len);
    if (s == NULL || expected == NULL) {
        return s == expected && len == 0;
    }
    return len == strlen(expected) && strcmp(s, expected) == 0;
}

static int error_is(const structream_document *doc, const char *expected) {
    size_t len = 99;
    const char *e = structream_document_error(doc, &len);
    if (e == NULL || expected == NULL) {
        return e == expected && len == 0;
    }
    if (strcmp(e, expected) != 0) {
        fprintf(stderr, "error: %s\n", e);
    }
    return len == strlen(expected) && strcmp(e, expected) == 0;
}

static void null_document(void) {
    size_t len = 99, index = 99;
    uint64_t byte = 99;
    CHECK(structream_document_add_items(NULL, "") == -1, "add_items(NULL)");
    CHECK(structream_document_add_hold(NULL, "") == -1, "add_hold(NULL)");
    CHECK(structream_document_add_require(NULL, "", "k") == -1, "add_require(NULL)");
    CHECK(structream_document_set_lenient(NULL, 1) == -1, "set_lenient(NULL)");
    CHECK(structream_document_set_strings(NULL, 0) == -1, "set_strings(NULL)");
    CHECK(structream_document_set_max_depth(NULL, 3) == -1, "set_max_depth(NULL)");
    CHECK(structream_document_feed(NULL, (const uint8_t *)"1", 1) == -1, "feed(NULL)");
    CHECK(structream_document_finish(NULL) == -1, "finish(NULL)");
    CHECK(structream_document_snapshot(NULL, &len) == NULL && len == 0, "snapshot(NULL)");
    CHECK(structream_document_item_count(NULL) == 0, "item_count(NULL)");
    len = 99;
    CHECK(structream_document_item(NULL, 0, &len) == NULL && len == 0, "item(NULL)");
    CHECK(structream_document_item_path(NULL, 0, NULL) == NULL, "item_path(NULL)");
    CHECK(structream_document_item_index(NULL, 0, &index) == -1 && index == 99,
          "item_index(NULL)");
    CHECK(error_is(NULL, "the document is NULL"), "error(NULL)");
    CHECK(structream_document_error(NULL, NULL) != NULL, "error(NULL, NULL)");
    CHECK(structream_document_error_position(NULL, &byte, NULL, NULL) == -1 && byte == 99,
          "error_position(NULL)");
    CHECK(structream_document_is_complete(NULL) == -1, "is_complete(NULL)");
    CHECK(structream_document_state(NULL, "") == -1, "state(NULL)");
    structream_document_free(NULL);
}

/* Wrong arguments fail with a message and leave the document usable. */
static void usage_errors(void) {
    structream_document *doc = structream_document_new();
    CHECK(error_is(doc, NULL), "no error yet");
    CHECK(structream_document_add_items(doc, NULL) == -1, "add_items(pointer NULL)");
    CHECK(error_is(doc, "add_items: pointer is NULL"), "its message");
    CHECK(structream_document_add_items(doc, "\xff") == -1, "a pattern not UTF-8");
    CHECK(error_is(doc, "add_items: pointer is not valid UTF-8"), "its message");
    CHECK(structream_document_add_items(doc, "users") == -1, "a pattern without '/'");
    CHECK(error_is(doc, "invalid JSON Pointer pattern \"users\": it must be empty or start "
                        "with '/', and '~' must be followed by 0 or 1"),
          "its message");
    CHECK(structream_document_add_hold(doc, "/a~2") == -1, "a bad '~' escape");
    CHECK(structream_document_add_require(doc, "/a", NULL) == -1, "require(key NULL)");
    CHECK(error_is(doc, "add_require: key is NULL"), "its message");
    CHECK(structream_document_set_strings(doc, 7) == -1, "an unknown string mode");
    CHECK(error_is(doc, "set_strings: unknown mode 7"), "its message");
    CHECK(structream_document_error_position(doc, NULL, NULL, NULL) == 0,
          "a usage error has no position");
    CHECK(structream_document_feed(doc, NULL, 3) == -1, "feed(data NULL, len 3)");
    CHECK(error_is(doc, "feed: data is NULL but len is 3"), "its message");
    CHECK(structream_document_feed(doc, NULL, 0) == 0, "feed(data NULL, len 0) is empty");
    CHECK(structream_document_state(doc, NULL) == -1, "state(pointer NULL)");
    CHECK(structream_document_item_index(doc, 0, NULL) == -1, "item_index(index NULL)");
    CHECK(error_is(doc, NULL), "a feed that succeeds ends a usage error");
    CHECK(structream_document_add_items(doc, "x") == -1, "one more bad pattern");
    CHECK(feed(doc, "[1, 2]") == 1, "the document still works");
    CHECK(error_is(doc, NULL), "and the error is over");
    CHECK(structream_document_finish(doc) == 1, "and completes");
    CHECK(snapshot_is(doc, "[1,2]"), "with its value");
    CHECK(structream_document_snapshot(doc, NULL) != NULL, "snapshot(len NULL)");
    structream_document_free(doc);
}

static void items_and_states(void) {
    structream_document *doc = structream_document_new();
    CHECK(structream_document_add_items(doc, "/users") == 0, "add_items");
    CHECK(structream_document_add_items(doc, "/users/*/tags") == 0, "add_items nested");
    CHECK(structream_document_state(doc, "") == STRUCTREAM_STATE_PENDING, "nothing fed");
    CHECK(snapshot_is(doc, NULL), "no snapshot before a feed");
    CHECK(feed(doc, "{\"users\": [{\"name\": \"Ja") == 1, "first chunk");
    CHECK(snapshot_is(doc, "{\"users\":[{\"name\":\"Ja\"}]}"), "a growing string shows");
    CHECK(structream_document_item_count(doc) == 0, "no item closed yet");
    CHECK(structream_document_state(doc, "/users/0/name") == STRUCTREAM_STATE_INCOMPLETE,
          "the open string is incomplete");
    CHECK(feed(doc, "ne\", \"tags\": [\"a\", \"b\"]}, {\"name\": \"Al\"}, 4") == 1, "second");
    size_t n = structream_document_item_count(doc);
    CHECK(n == 4, "two tags and two users closed, not %zu", n);
    static const char *const json[] = {"\"a\"", "\"b\"",
                                       "{\"name\":\"Jane\",\"tags\":[\"a\",\"b\"]}",
                                       "{\"name\":\"Al\"}"};
    static const char *const path[] = {"/users/0/tags", "/users/0/tags", "/users", "/users"};
    static const size_t index[] = {0, 1, 0, 1};
    const char *kept = NULL;
    for (size_t i = 0; i < n && i < 4; i++) {
        size_t len = 0, at = 99;
        const char *s = structream_document_item(doc, i, &len);
        CHECK(s != NULL && len == strlen(json[i]) && strcmp(s, json[i]) == 0, "item %zu", i);
        s = structream_document_item_path(doc, i, &len);
        CHECK(s != NULL && len == strlen(path[i]) && strcmp(s, path[i]) == 0, "path %zu", i);
        CHECK(structream_document_item_index(doc, i, &at) == 0 && at == index[i], "index %zu",
              i);
        if (i == 2) {
            kept = structream_document_item(doc, i, NULL);
        }
    }
    CHECK(structream_document_item(doc, 4, NULL) == NULL, "no item 4");
    CHECK(structream_document_item_path(doc, 4, NULL) == NULL, "no path 4");
    /* Items stay valid until the next feed, whatever else is read. */
    CHECK(snapshot_is(doc, "{\"users\":[{\"name\":\"Jane\",\"tags\":[\"a\",\"b\"]},"
                           "{\"name\":\"Al\"}]}"),
          "the 4 is not shown: it may become 40");
    CHECK(kept != NULL && strcmp(kept, json[2]) == 0, "an item read earlier is intact");
    CHECK(structream_document_state(doc, "/users/0") == STRUCTREAM_STATE_COMPLETE, "user 0");
    CHECK(structream_document_state(doc, "/users") == STRUCTREAM_STATE_INCOMPLETE, "users");
    CHECK(structream_document_is_complete(doc) == 0, "not complete");
    CHECK(feed(doc, "2") == 0, "42 is still not shown");
    CHECK(structream_document_item_count(doc) == 0, "and no item closed");
    CHECK(feed(doc, "]}") == 1, "the end");
    CHECK(structream_document_item_count(doc) == 1, "42 closed");
    CHECK(structream_document_is_complete(doc) == 1, "complete");
    CHECK(structream_document_finish(doc) == 1, "finish");
    CHECK(structream_document_finish(doc) == 1, "finish again");
    CHECK(structream_document_item_count(doc) == 0, "finish closed nothing");
    CHECK(error_is(doc, NULL), "no error");
    CHECK(feed(doc, " ") == -1, "feed after finish");
    CHECK(error_is(doc, "feed: the input was already finished"), "its message");
    CHECK(structream_document_add_items(doc, "") == -1, "options after the first feed");
    CHECK(error_is(doc, "add_items: options must be set before the first feed"), "message");
    structream_document_free(doc);
}

static void input_errors(void) {
    structream_document *doc = structream_document_new();
    CHECK(feed(doc, "[1,\n 2") == 1, "a valid start");
    CHECK(feed(doc, " 3]") == -1, "a missing comma");
    const char *message = "expected `,` or `]` at line 2 column 4 (byte 7)";
    CHECK(error_is(doc, message), "its message");
    uint64_t byte = 0, line = 0, column = 0;
    CHECK(structream_document_error_position(doc, &byte, &line, &column) == 1, "a position");
    CHECK(byte == 7 && line == 2 && column == 4, "at byte 7, line 2, column 4");
    CHECK(snapshot_is(doc, "[1,2]"), "what was read before the error stays");
    CHECK(feed(doc, "]") == -1, "no more input");
    CHECK(structream_document_finish(doc) == -1, "no finish");
    CHECK(error_is(doc, message), "the first error stays");
    CHECK(structream_document_item_count(doc) == 0, "no items");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(feed(doc, "[\"caf\xc3") == 1, "half a UTF-8 character");
    CHECK(snapshot_is(doc, "[\"caf\"]"), "waits for its other half");
    CHECK(feed(doc, "\xa9\", \"\xff\"]") == -1, "then invalid UTF-8");
    CHECK(error_is(doc, "invalid UTF-8 at line 1 column 12 (byte 11)"), "its message");
    CHECK(snapshot_is(doc, "[\"caf\xc3\xa9\"]"), "the valid part");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(structream_document_set_max_depth(doc, 2) == 0, "max depth 2");
    CHECK(feed(doc, "[[[1]]]") == -1, "three levels");
    CHECK(error_is(doc, "recursion limit exceeded at line 1 column 3 (byte 2)"), "message");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(structream_document_set_max_depth(doc, 0) == 0, "no depth limit");
    for (int i = 0; i < 1000; i++) {
        CHECK(feed(doc, "[") >= 0, "level %d", i);
    }
    CHECK(structream_document_finish(doc) == 0, "1000 open arrays: incomplete");
    structream_document_free(doc);
}

static void incomplete_input(void) {
    structream_document *doc = structream_document_new();
    CHECK(structream_document_finish(doc) == 0, "nothing at all is incomplete");
    CHECK(error_is(doc, "EOF while parsing a value at line 1 column 1 (byte 0)"), "where");
    CHECK(snapshot_is(doc, NULL), "and shows nothing");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(feed(doc, "{\"a\": [\"x\\u00") == 1, "inside an escape");
    CHECK(snapshot_is(doc, "{\"a\":[\"x\"]}"), "half an escape shows nothing");
    CHECK(feed(doc, "00y") == 1, "the escape completes");
    CHECK(snapshot_is(doc, "{\"a\":[\"x\\u0000y\"]}"), "a NUL is escaped");
    size_t len = 0;
    const char *s = structream_document_snapshot(doc, &len);
    CHECK(s != NULL && strlen(s) == len, "so the text has no NUL inside");
    CHECK(structream_document_finish(doc) == 0, "cut off");
    CHECK(error_is(doc, "EOF while parsing a string at line 1 column 17 (byte 16)"), "where");
    CHECK(structream_document_error_position(doc, NULL, NULL, NULL) == 1, "with a position");
    CHECK(snapshot_is(doc, "{\"a\":[\"x\\u0000y\"]}"), "the best partial value");
    CHECK(structream_document_finish(doc) == 0, "finish again");
    structream_document_free(doc);
}

static void options(void) {
    structream_document *doc = structream_document_new();
    CHECK(structream_document_set_lenient(doc, 1) == 0, "lenient");
    CHECK(feed(doc, "Sure! <think>{\"no\": 1}</think> Here:\n```json\n{\"a\": [1, ") == 1,
          "prose, reasoning and a fence before the value");
    CHECK(snapshot_is(doc, "{\"a\":[1]}"), "only the value shows");
    CHECK(structream_document_set_lenient(doc, 0) == -1, "too late to change");
    CHECK(feed(doc, "2]}\n```\nAnything else?") == 1, "the rest, and prose after");
    CHECK(structream_document_finish(doc) == 1, "complete");
    CHECK(snapshot_is(doc, "{\"a\":[1,2]}"), "the value");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(structream_document_add_hold(doc, "/type") == 0, "hold /type");
    CHECK(structream_document_add_require(doc, "/steps/*", "title") == 0, "require title");
    CHECK(feed(doc, "{\"type\": \"wea") == 1, "a held string");
    CHECK(snapshot_is(doc, "{}"), "does not show");
    CHECK(structream_document_state(doc, "/type") == STRUCTREAM_STATE_PENDING, "pending");
    CHECK(feed(doc, "ther\", \"steps\": [{\"n\": 1, ") == 1, "the held string closes");
    CHECK(snapshot_is(doc, "{\"type\":\"weather\",\"steps\":[]}"),
          "it shows; a step without its title does not");
    CHECK(feed(doc, "\"title\": \"Go\"}]}") == 1, "the title comes");
    CHECK(snapshot_is(doc, "{\"type\":\"weather\",\"steps\":[{\"n\":1,\"title\":\"Go\"}]}"),
          "the step shows");
    CHECK(structream_document_finish(doc) == 1, "complete");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(structream_document_set_strings(doc, STRUCTREAM_STRINGS_COMPLETE) == 0, "strings");
    CHECK(feed(doc, "{\"a\": \"hel") == 1, "an open string");
    CHECK(snapshot_is(doc, "{}"), "is not shown");
    CHECK(feed(doc, "lo\"}") == 1, "closed");
    CHECK(snapshot_is(doc, "{\"a\":\"hello\"}"), "it shows");
    CHECK(structream_document_set_strings(doc, STRUCTREAM_STRINGS_TRAILING) == -1, "too late");
    structream_document_free(doc);
}

/* Whether repair `i` is `kind` at byte `offset`. */
static int repair_is(const structream_document *doc, size_t i, const char *kind, uint64_t offset) {
    uint64_t at = 99;
    const char *name = structream_document_repair(doc, i, &at);
    return name != NULL && strcmp(name, kind) == 0 && at == offset;
}

static void repairs(void) {
    structream_document *doc = structream_document_new();
    CHECK(structream_document_set_repair(doc, "all") == 0, "every repair");
    CHECK(feed(doc, "{'a': [1, 2,], b: True") == 1, "almost JSON");
    CHECK(feed(doc, "}") == 1, "closed");
    CHECK(structream_document_finish(doc) == 1, "complete");
    CHECK(snapshot_is(doc, "{\"a\":[1,2],\"b\":true}"), "repaired");
    CHECK(structream_document_repair_count(doc) == 4, "four repairs: %zu",
          structream_document_repair_count(doc));
    CHECK(repair_is(doc, 0, "single-quotes", 1), "the quoted key");
    CHECK(repair_is(doc, 1, "trailing-comma", 11), "the comma");
    CHECK(repair_is(doc, 2, "unquoted-key", 15), "the bare key");
    CHECK(repair_is(doc, 3, "literal", 18), "True");
    CHECK(structream_document_repair(doc, 4, NULL) == NULL, "out of range");
    CHECK(structream_document_repair(doc, 0, NULL) != NULL, "no offset wanted");
    CHECK(structream_document_set_repair(doc, "") == -1, "too late to change");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(structream_document_set_repair(doc, "commas") == -1, "an unknown kind");
    CHECK(strstr(structream_document_error(doc, NULL), "unknown repair kind \"commas\"") != NULL,
          "is named");
    CHECK(structream_document_set_repair(doc, NULL) == -1, "NULL kinds");
    CHECK(structream_document_set_repair(doc, "trailing-comma, comment") == 0, "two kinds");
    CHECK(feed(doc, "[1, // one\n 'x']") == -1, "single quotes are not repaired");
    CHECK(structream_document_repair_count(doc) == 1, "the comment before the error is listed");
    CHECK(repair_is(doc, 0, "comment", 4), "at its byte");
    structream_document_free(doc);

    doc = structream_document_new();
    CHECK(feed(doc, "[1,]") == -1, "no repair by default");
    CHECK(structream_document_repair_count(doc) == 0, "none listed");
    CHECK(structream_document_repair_count(NULL) == 0, "NULL document");
    CHECK(structream_document_repair(NULL, 0, NULL) == NULL, "NULL document");
    structream_document_free(doc);
}

int main(void) {
    const char *version = structream_version();
    CHECK(version != NULL && version[0] >= '0' && version[0] <= '9', "version %s", version);
    null_document();
    usage_errors();
    items_and_states();
    input_errors();
    incomplete_input();
    options();
    repairs();
    return support_report("api");
}
