/* Streams a file through libstructream in small chunks, as an LLM's tokens
 * arrive, and prints the partial value each time it visibly changes, then
 * the items of the arrays asked for as they close.
 *
 *   stream FILE [CHUNK_SIZE [ITEMS_POINTER...]]
 *   stream answer.json 16 /steps
 *
 * Build (from the repository root, after `cargo build --release -p structream-c`):
 *   cc -Ibindings/c/include examples/c/stream.c -Ltarget/release -lstructream \
 *      -Wl,-rpath,"$PWD/target/release" -o stream
 */
#include <stdio.h>
#include <stdlib.h>

#include "structream.h"

/* The items closed by the last feed or finish (none after a failure). */
static void print_items(structream_document *doc) {
    for (size_t i = 0; i < structream_document_item_count(doc); i++) {
        size_t len, path_len;
        const char *item = structream_document_item(doc, i, &len);
        const char *path = structream_document_item_path(doc, i, &path_len);
        printf("item %.*s %.*s\n", (int)path_len, path, (int)len, item);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [CHUNK_SIZE [ITEMS_POINTER...]]\n", argv[0]);
        return 2;
    }
    size_t chunk_size = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 16;
    if (chunk_size == 0 || chunk_size > 65536) {
        fprintf(stderr, "CHUNK_SIZE must be 1 to 65536\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }

    structream_document *doc = structream_document_new();
    for (int i = 3; i < argc; i++) {
        if (structream_document_add_items(doc, argv[i]) != 0) {
            fprintf(stderr, "%s\n", structream_document_error(doc, NULL));
            structream_document_free(doc);
            fclose(f);
            return 2;
        }
    }

    static unsigned char buf[65536];
    size_t n;
    int rc = 0;
    while (rc >= 0 && (n = fread(buf, 1, chunk_size, f)) > 0) {
        rc = structream_document_feed(doc, buf, n);
        if (rc == 1) {
            size_t len;
            const char *json = structream_document_snapshot(doc, &len);
            printf("partial %.*s\n", (int)len, json);
        }
        print_items(doc);
    }
    fclose(f);
    if (rc >= 0) {
        rc = structream_document_finish(doc);
        print_items(doc);
    }
    int status = 0;
    if (rc == 1) {
        printf("complete\n");
    } else {
        /* Invalid input (-1), or input that ended inside the value (0): the
         * last partial stands, and the error says where. */
        printf("%s: %s\n", rc == 0 ? "incomplete" : "invalid",
               structream_document_error(doc, NULL));
        status = 1;
    }
    structream_document_free(doc);
    return status;
}
