//! `Document::heap_bytes` from below as well as from above: each part of
//! the document's memory (a long key, the visible text, staging buffers,
//! the open-node stack, the key index of a large object, deltas, items) is
//! made to dominate in turn, and the count must cover it without
//! overstating it.

use structream_parser::Config;
use structream_parser::document::{Document, Options};

/// Feeds `input` in one chunk and returns the heap bytes held.
fn held(options: Options, input: &[u8]) -> usize {
    let mut document = Document::with_options(options);
    document.feed(input).unwrap();
    document.heap_bytes()
}

/// `held` is at least `at_least` and at most about twice that.
fn about(held: usize, at_least: usize) {
    assert!(
        held >= at_least,
        "{held} bytes held, at least {at_least} expected"
    );
    assert!(
        held <= 2 * at_least + 4096,
        "{held} bytes held, at most about {} expected",
        2 * at_least
    );
}

const N: usize = 100_000;

#[test]
fn a_long_key_is_counted() {
    // The key waits in the open object until its value shows.
    let input = format!("{{\"{}\":", "k".repeat(N));
    about(held(Options::default(), input.as_bytes()), N);
}

#[test]
fn the_text_and_this_feeds_deltas_are_counted() {
    let input = format!("[\"{}", "s".repeat(N));
    about(held(Options::default(), input.as_bytes()), N);
    // The same text again in the feed's append delta.
    about(
        held(Options::default().deltas(true), input.as_bytes()),
        2 * N,
    );
}

#[test]
fn staged_values_are_counted() {
    // A held string writes into a staging buffer, not the visible text.
    let input = format!("[\"{}", "s".repeat(N));
    let options = Options::default().hold("/0".parse().unwrap());
    about(held(options, input.as_bytes()), N);
}

#[test]
fn closed_items_of_this_feed_are_counted() {
    let input = format!("[\"{}\"]", "s".repeat(N));
    let options = Options::default().items("".parse().unwrap());
    // The text, and the item's own copy of it.
    about(held(options, input.as_bytes()), 2 * N);
}

#[test]
fn the_open_spine_is_counted() {
    // Every open level holds at least its position and its key; the path
    // of the deepest node is two bytes a level.
    let depth = 20_000;
    let config = Config::default().max_depth(None);
    let input = "[".repeat(depth);
    let spine = held(Options::default().tokenizer(config), input.as_bytes());
    assert!(
        spine >= depth * (std::mem::size_of::<usize>() * 6 + 2),
        "{spine}"
    );
    assert!(spine <= depth * 1024, "{spine}");
    // A long key on the path is in the path as well as in the key and
    // the text: three copies.
    let input = format!("{{\"{}\": [", "k".repeat(N));
    about(held(Options::default(), input.as_bytes()), 3 * N);
}

#[test]
fn the_pattern_state_of_open_nodes_is_counted() {
    // 200 patterns alive at each of 50 open levels: 10,000 entries of two
    // words each, far more than the 50 bytes of text.
    let pattern = "/*".repeat(50);
    let mut options = Options::default();
    for _ in 0..200 {
        options = options.hold(pattern.parse().unwrap());
    }
    let entries = 200 * 50;
    let held = held(options, "[".repeat(50).as_bytes());
    let entry = 2 * std::mem::size_of::<usize>();
    assert!(held >= entries * entry, "{held}");
    assert!(held <= 3 * entries * entry + 200 * 1024, "{held}");
}

#[test]
fn the_key_index_of_a_large_object_is_counted() {
    // A repeated key in an object of many members looks the key up in an
    // index: a hash and a link per member, besides the two offsets kept
    // per member.
    let members = 50_000;
    let mut input = String::from("{");
    for i in 0..members {
        input.push_str(&format!("\"{i}\":0,"));
    }
    input.push_str("\"7\":1,");
    let text = input.len();
    let plain = held(Options::default(), input.as_bytes());
    let word = std::mem::size_of::<usize>();
    // Text, two offsets a member, and (hash, member) plus a link a member.
    let at_least = text + members * 2 * word + members * (8 + 4 + 4);
    assert!(plain >= at_least, "{plain} < {at_least}");
    assert!(plain <= 3 * at_least, "{plain} > 3 * {at_least}");
}

#[test]
fn a_small_document_holds_little() {
    let empty = Document::new().heap_bytes();
    assert!(empty < 256, "{empty}");
    let small = held(Options::default(), b"[1, 2, 3]");
    assert!((7..1024).contains(&small), "{small}");
}

#[test]
fn many_deltas_and_items_of_one_feed_are_counted() {
    // 50,000 items in one feed: one delta and two item events each, each
    // at least four words in the document's lists besides its text.
    let items = 50_000;
    let input = format!("[{}1]", "1,".repeat(items - 1));
    let word = std::mem::size_of::<usize>();
    let text = input.len();
    let deltas = held(Options::default().deltas(true), input.as_bytes());
    // The text, each delta's path (at least two bytes) and value, and
    // its entry (an operation and two ranges).
    let at_least = text + items * (2 + 1) + items * 4 * word;
    assert!(deltas >= at_least, "{deltas} < {at_least}");
    assert!(deltas <= 3 * at_least, "{deltas} > 3 * {at_least}");
    let reported = held(
        Options::default().items("".parse().unwrap()),
        input.as_bytes(),
    );
    // The text, and two events an item (each with a path, an index, and
    // the closed one with its text).
    let at_least = text + 2 * items * 4 * word + items;
    assert!(reported >= at_least, "{reported} < {at_least}");
    assert!(reported <= 3 * at_least, "{reported} > 3 * {at_least}");
}

#[test]
fn a_repeated_long_key_is_counted_where_it_is_looked_up() {
    // The key is in the text, in the open object's current key, and
    // escaped in the scratch buffer it is looked up with.
    let key = "k".repeat(N);
    let input = format!("{{\"{key}\": 1, \"{key}\": true");
    about(held(Options::default(), input.as_bytes()), 3 * N);
}

#[test]
fn a_closed_item_is_counted_with_its_path() {
    // One item of N bytes under an 11-byte path: the text and the item's
    // own copy, and the path once, not once a byte.
    let input = format!("{{\"abcdefghij\": [\"{}\"]", "s".repeat(N));
    let options = Options::default().items("/abcdefghij".parse().unwrap());
    about(held(options, input.as_bytes()), 2 * N);
}
