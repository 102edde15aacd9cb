//! Applying events to the visible value, kept as compact JSON text.
//!
//! # Design
//!
//! In a streamed document every change happens on the rightmost spine: the
//! open containers and the open string at its tip. Everything left of the
//! spine is complete. So the visible value is kept as the compact JSON text
//! of everything written so far (`buffers[0]`), and a snapshot is that text
//! plus the closing quote and brackets of the visible spine: O(depth) to
//! produce, and about the size of the input to keep.
//!
//! A value that may not show yet (held until complete, an object hidden
//! until a required key has a value, a string in complete-strings mode, or
//! the new value of a repeated key) writes into a staging buffer of its own,
//! pushed on `buffers`; nested staged values nest their buffers (stack
//! discipline, since values close in reverse order of opening). When it may
//! show, its text moves into its parent's buffer: appended after a comma and
//! key written then, or, for a repeated key, spliced over the earlier value.
//! A member's key and comma are written together with its value's first
//! visible text, so the text is always valid JSON once closed.
//!
//! Deltas are produced at each write into `buffers[0]`; item events at the
//! start and close of every item of a selected array, from the item's text
//! in whichever buffer holds it. Per event the work is O(1) amortized (plus
//! the pattern matching of a node that opens); only a repeated key costs
//! O(members after it), to splice.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use super::delta::{DeltaBuffer, DeltaOp};
use super::items::ItemEvent;
use super::pointer::{self, Pattern, Step};
use super::{NodeState, StringMode};
use crate::value::{escape_into, write_json_string};

/// The kind of an open node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Array,
    Object,
    Str,
}

/// What a pattern selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Role {
    /// Hold the value back until it is complete.
    Hold,
    /// Hide the object until this member has a value.
    Require(String),
    /// Report the items of the array.
    Items,
}

/// Whether an open node writes into a buffer of its own, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Own {
    /// Writes into its parent's buffer.
    Shared,
    /// Held until complete.
    Held,
    /// An object hidden until member `Role::Require` of pattern `.0` has a value.
    Hidden(usize),
    /// The new value of a repeated key: replaces member `.0` when complete.
    Replace(usize),
}

/// An open node on the spine.
#[derive(Debug)]
struct Level {
    kind: Kind,
    /// Index of the buffer this node's text is in.
    buf: usize,
    /// Where this node's text starts in that buffer.
    value_start: usize,
    own: Own,
    /// Children written into this node's text (for commas).
    written: usize,
    /// Children begun in the input (the index of the next item).
    seen: usize,
    /// Length of `Core::path` that is this node's pointer.
    path_len: usize,
    /// Start of this node's entries in `Core::alive`.
    alive_start: usize,
    /// Whether this node is an array whose items are reported.
    items_array: bool,
    /// `Some(i)` if this node is item `i` of a reported array.
    item: Option<usize>,
    /// Objects: the key of the current member.
    key: String,
    /// Objects: (start of the key, start of the value) of each member
    /// written, relative to `value_start`.
    members: Vec<(usize, usize)>,
    /// Objects with many members: the key index (see [`KeyIndex`]).
    member_map: Option<KeyIndex>,
}

/// The members of a large object by key hash: `last[hash]` is the last
/// member with that hash, `prev[i]` the member before `i` with the same
/// hash (`u32::MAX`: none). Keys are compared against the text itself, so
/// the index costs about 20 bytes a member and no copy of the keys. The
/// hash is SipHash with a random key, so hostile keys cannot force
/// collisions.
#[derive(Debug, Default)]
struct KeyIndex {
    hasher: RandomState,
    last: HashMap<u64, u32>,
    prev: Vec<u32>,
}

impl KeyIndex {
    fn insert(&mut self, key: &str, member: usize) {
        let h = self.hasher.hash_one(key);
        let before = self.last.insert(h, member as u32).unwrap_or(u32::MAX);
        self.prev.push(before);
    }

    /// The last member whose key (escaped, quoted) equals `key`.
    fn find<'t>(&self, key: &str, key_of: impl Fn(usize) -> &'t str) -> Option<usize> {
        let mut at = *self.last.get(&self.hasher.hash_one(key))?;
        while at != u32::MAX {
            if key_of(at as usize) == key {
                return Some(at as usize);
            }
            at = self.prev[at as usize];
        }
        None
    }

    fn heap_bytes(&self) -> usize {
        self.last.capacity() * (std::mem::size_of::<(u64, u32)>() + 1) + self.prev.capacity() * 4
    }
}

impl Level {
    fn new() -> Self {
        Level {
            kind: Kind::Array,
            buf: 0,
            value_start: 0,
            own: Own::Shared,
            written: 0,
            seen: 0,
            path_len: 0,
            alive_start: 0,
            items_array: false,
            item: None,
            key: String::new(),
            members: Vec::new(),
            member_map: None,
        }
    }
}

/// Objects with more members than this index their keys in a map.
const MEMBER_SCAN: usize = 16;

/// What the patterns and the parent say of a node that begins.
struct Child {
    parent: Option<usize>,
    held: bool,
    hidden: Option<usize>,
    items_array: bool,
    item: Option<usize>,
    replace: Option<usize>,
    alive_from: usize,
}

/// The document's state apart from the tokenizer.
#[derive(Debug)]
pub(super) struct Core {
    pub(super) strings: StringMode,
    pub(super) deltas_on: bool,
    patterns: Vec<(Pattern, Role)>,
    /// `buffers[0]` is the visible text; the rest are staging buffers.
    buffers: Vec<String>,
    /// Open nodes: `levels[..depth]` (slots past `depth` are kept for reuse).
    levels: Vec<Level>,
    depth: usize,
    /// The pointer of the deepest node begun (spine prefixes stay valid).
    path: String,
    /// (pattern, matched segments) pairs of the open nodes.
    alive: Vec<(usize, usize)>,
    pub(super) deltas: DeltaBuffer,
    pub(super) items: Vec<ItemEvent>,
    /// Bumped at every visible change.
    pub(super) generation: u64,
    /// The root value has begun / is complete.
    pub(super) root_started: bool,
    pub(super) root_done: bool,
    /// Scratch for escaped keys.
    scratch: String,
}

impl Core {
    pub(super) fn new(
        strings: StringMode,
        deltas_on: bool,
        patterns: Vec<(Pattern, Role)>,
    ) -> Self {
        Core {
            strings,
            deltas_on,
            patterns,
            buffers: vec![String::new()],
            levels: Vec::new(),
            depth: 0,
            path: String::new(),
            alive: Vec::new(),
            deltas: DeltaBuffer::default(),
            items: Vec::new(),
            generation: 0,
            root_started: false,
            root_done: false,
            scratch: String::new(),
        }
    }

    /// The visible text (without the closers of the open spine).
    pub(super) fn text(&self) -> &str {
        &self.buffers[0]
    }

    /// Appends the closing quote and brackets of the visible spine.
    pub(super) fn visible_closers(&self, out: &mut String) {
        self.closers(0, 0, out);
    }

    /// Whether an open node writes into the visible text (so that the
    /// snapshot needs a closer). The root, when open and visible, is the
    /// first level looked at.
    pub(super) fn has_visible_open(&self) -> bool {
        self.levels[..self.depth].iter().any(|level| level.buf == 0)
    }

    /// How many nodes are open.
    pub(super) fn depth(&self) -> usize {
        self.depth
    }

    /// [`Core::visible_closers`], byte by byte (each `"`, `]` or `}`).
    pub(super) fn visible_closers_with(&self, mut f: impl FnMut(u8)) {
        for level in self.levels[..self.depth].iter().rev() {
            if level.buf == 0 {
                f(match level.kind {
                    Kind::Array => b']',
                    Kind::Object => b'}',
                    Kind::Str => b'"',
                });
            }
        }
    }

    /// Appends the closers of the open nodes from `levels[from]` down that
    /// write into buffer `buf`, innermost first.
    fn closers(&self, from: usize, buf: usize, out: &mut String) {
        for level in self.levels[from..self.depth].iter().rev() {
            if level.buf == buf {
                out.push(match level.kind {
                    Kind::Array => ']',
                    Kind::Object => '}',
                    Kind::Str => '"',
                });
            }
        }
    }

    /// Heap bytes held (capacities, so what the allocator gave).
    pub(super) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let levels: usize = self
            .levels
            .iter()
            .map(|l| {
                let map = l.member_map.as_ref().map_or(0, KeyIndex::heap_bytes);
                l.key.capacity() + l.members.capacity() * size_of::<(usize, usize)>() + map
            })
            .sum();
        let items: usize = self
            .items
            .iter()
            .map(|i| i.path().len() + i.json().map_or(0, str::len))
            .sum();
        levels
            + self.levels.capacity() * size_of::<Level>()
            + self.buffers.iter().map(String::capacity).sum::<usize>()
            + self.buffers.capacity() * size_of::<String>()
            + self.path.capacity()
            + self.alive.capacity() * size_of::<(usize, usize)>()
            + self.deltas.heap_bytes()
            + self.items.capacity() * size_of::<ItemEvent>()
            + items
            + self.scratch.capacity()
    }

    /// The completion state of the node at `pointer`.
    pub(super) fn state_at(&self, pointer: &str) -> NodeState {
        for level in &self.levels[..self.depth] {
            let path = &self.path[..level.path_len];
            if path == pointer
                || pointer
                    .strip_prefix(path)
                    .is_some_and(|r| r.starts_with('/'))
            {
                if level.buf != 0 {
                    return NodeState::Pending;
                }
                if path == pointer {
                    return NodeState::Incomplete;
                }
            }
        }
        if !self.root_started {
            return NodeState::Pending;
        }
        NodeState::Complete
    }

    // ---- events ----

    pub(super) fn key_fragment(&mut self, text: &str, first: bool) {
        if let Some(level) = self.depth.checked_sub(1).map(|d| &mut self.levels[d]) {
            if first {
                level.key.clear();
            }
            level.key.push_str(text);
        }
    }

    pub(super) fn open_object(&mut self) {
        self.open(Kind::Object, "{", "{}");
    }

    pub(super) fn open_array(&mut self) {
        self.open(Kind::Array, "[", "[]");
    }

    pub(super) fn string_fragment(&mut self, text: &str, first: bool, last: bool) {
        if first {
            self.open(Kind::Str, "\"", "\"\"");
        }
        let d = self.depth - 1;
        let buf = self.levels[d].buf;
        escape_into(text, &mut self.buffers[buf]);
        if buf == 0 && !text.is_empty() {
            self.generation += 1;
            if self.deltas_on {
                self.deltas
                    .append(&self.path[..self.levels[d].path_len], text);
            }
        }
        if last {
            self.close();
        }
    }

    pub(super) fn scalar(&mut self, text: &str) {
        let child = self.begin_child();
        self.alive.truncate(child.alive_from);
        if let Some(index) = child.item {
            self.item_started(child.parent, index);
        }
        if let Some(member) = child.replace {
            self.replace(child.parent.unwrap_or(0), member, text, self.path.len());
        } else {
            let buf = self.write_prefix(child.parent);
            self.buffers[buf].push_str(text);
            if buf == 0 {
                self.generation += 1;
                if self.deltas_on {
                    self.deltas.push(DeltaOp::Add, &self.path, &[text]);
                }
            }
            if text != "null" {
                self.check_reveal(child.parent);
            }
        }
        if let Some(index) = child.item {
            self.item_done(child.parent, index, text.to_owned());
        }
        if child.parent.is_none() {
            self.root_done = true;
        }
    }

    pub(super) fn close(&mut self) {
        let d = self.depth - 1;
        let (kind, buf, value_start, own, item, path_len, alive_start) = {
            let l = &self.levels[d];
            (
                l.kind,
                l.buf,
                l.value_start,
                l.own,
                l.item,
                l.path_len,
                l.alive_start,
            )
        };
        self.buffers[buf].push(match kind {
            Kind::Array => ']',
            Kind::Object => '}',
            Kind::Str => '"',
        });
        self.depth = d;
        self.alive.truncate(alive_start);
        let parent = d.checked_sub(1);
        if let Some(index) = item {
            let json = self.buffers[buf][value_start..].to_owned();
            self.item_done(parent, index, json);
        }
        match own {
            Own::Shared => {}
            Own::Held | Own::Hidden(_) => {
                let text = self.buffers.pop().unwrap_or_default();
                self.commit(parent, &text, path_len);
            }
            Own::Replace(member) => {
                let text = self.buffers.pop().unwrap_or_default();
                self.replace(d - 1, member, &text, path_len);
            }
        }
        if d == 0 {
            self.root_done = true;
        }
    }

    // ---- the machinery ----

    /// A node begins: its pointer, the patterns it matches, and what its
    /// parent makes of it.
    fn begin_child(&mut self) -> Child {
        let parent = self.depth.checked_sub(1);
        let alive_from = self.alive.len();
        let mut child = Child {
            parent,
            held: false,
            hidden: None,
            items_array: false,
            item: None,
            replace: None,
            alive_from,
        };
        let Some(p) = parent else {
            self.root_started = true;
            self.path.clear();
            self.alive.extend((0..self.patterns.len()).map(|i| (i, 0)));
            self.roles(&mut child);
            return child;
        };
        let level = &mut self.levels[p];
        let index = level.seen;
        level.seen += 1;
        self.path.truncate(level.path_len);
        match level.kind {
            Kind::Array => pointer::push_index(&mut self.path, index),
            _ => pointer::push_segment(&mut self.path, &level.key),
        }
        if level.items_array {
            child.item = Some(index);
        }
        if level.kind == Kind::Object && !level.members.is_empty() {
            child.replace = self.find_member(p);
        }
        if !self.patterns.is_empty() {
            let level = &self.levels[p];
            let step = match level.kind {
                Kind::Array => Step::Index(index),
                _ => Step::Key(&level.key),
            };
            let end = self.alive.len();
            for i in level.alive_start..end {
                let (pattern, matched) = self.alive[i];
                let p = &self.patterns[pattern].0;
                if matched < p.len() && p.matches(matched, step) {
                    self.alive.push((pattern, matched + 1));
                }
            }
            self.roles(&mut child);
        }
        child
    }

    /// Reads the roles of the patterns `child` matches in full.
    fn roles(&self, child: &mut Child) {
        for &(pattern, matched) in &self.alive[child.alive_from..] {
            let (p, role) = &self.patterns[pattern];
            if matched == p.len() {
                match role {
                    Role::Hold => child.held = true,
                    Role::Require(_) => child.hidden = child.hidden.or(Some(pattern)),
                    Role::Items => child.items_array = true,
                }
            }
        }
    }

    /// The index of the written member of object `levels[p]` named like its
    /// current key, if any.
    fn find_member(&mut self, p: usize) -> Option<usize> {
        let level = &mut self.levels[p];
        self.scratch.clear();
        write_json_string(&level.key, &mut self.scratch);
        let text = &self.buffers[level.buf][level.value_start..];
        let members = &level.members;
        let key_of = |i: usize| {
            let (k, v) = members[i];
            &text[k..v - 1]
        };
        if members.len() <= MEMBER_SCAN || members.len() > u32::MAX as usize {
            return (0..members.len())
                .rev()
                .find(|&i| key_of(i) == self.scratch);
        }
        let index = level.member_map.get_or_insert_with(|| {
            let mut index = KeyIndex::default();
            for i in 0..members.len() {
                index.insert(key_of(i), i);
            }
            index
        });
        index.find(&self.scratch, key_of)
    }

    /// Opens a container or string.
    fn open(&mut self, kind: Kind, opening: &str, empty: &str) {
        let child = self.begin_child();
        let own = if let Some(member) = child.replace {
            Own::Replace(member)
        } else if child.held || (kind == Kind::Str && self.strings == StringMode::Complete) {
            Own::Held
        } else if let (Some(pattern), Kind::Object) = (child.hidden, kind) {
            Own::Hidden(pattern)
        } else {
            Own::Shared
        };
        let (buf, value_start) = if own == Own::Shared {
            let buf = self.write_prefix(child.parent);
            (buf, self.buffers[buf].len())
        } else {
            self.buffers.push(String::new());
            (self.buffers.len() - 1, 0)
        };
        self.buffers[buf].push_str(opening);
        if kind == Kind::Str {
            self.alive.truncate(child.alive_from);
        }
        let slot = self.depth;
        if slot == self.levels.len() {
            self.levels.push(Level::new());
        }
        let level = &mut self.levels[slot];
        level.kind = kind;
        level.buf = buf;
        level.value_start = value_start;
        level.own = own;
        level.written = 0;
        level.seen = 0;
        level.path_len = self.path.len();
        level.alive_start = child.alive_from;
        level.items_array = child.items_array && kind == Kind::Array;
        level.item = child.item;
        level.key.clear();
        level.members.clear();
        level.member_map = None;
        self.depth += 1;
        if let Some(index) = child.item {
            self.item_started(child.parent, index);
        }
        if own == Own::Shared {
            if buf == 0 {
                self.generation += 1;
                if self.deltas_on {
                    self.deltas.push(DeltaOp::Add, &self.path, &[empty]);
                }
            }
            self.check_reveal(child.parent);
        }
    }

    /// Writes the comma and key that go before a new child of `parent`;
    /// returns the buffer the child's text goes into.
    fn write_prefix(&mut self, parent: Option<usize>) -> usize {
        let Some(p) = parent else {
            return 0;
        };
        let level = &mut self.levels[p];
        let out = &mut self.buffers[level.buf];
        if level.written > 0 {
            out.push(',');
        }
        level.written += 1;
        if level.kind == Kind::Object {
            let key_start = out.len() - level.value_start;
            write_json_string(&level.key, out);
            out.push(':');
            let value_start = out.len() - level.value_start;
            level.members.push((key_start, value_start));
            if let Some(index) = &mut level.member_map {
                let key = &out[level.value_start + key_start..level.value_start + value_start - 1];
                index.insert(key, level.members.len() - 1);
            }
        }
        level.buf
    }

    /// A staged node is complete: its `text` joins its parent's text.
    fn commit(&mut self, parent: Option<usize>, text: &str, path_len: usize) {
        let buf = self.write_prefix(parent);
        self.buffers[buf].push_str(text);
        if buf == 0 {
            self.generation += 1;
            if self.deltas_on {
                self.deltas
                    .push(DeltaOp::Add, &self.path[..path_len], &[text]);
            }
        }
        if text != "null" {
            self.check_reveal(parent);
        }
    }

    /// The complete new value of a repeated key replaces the earlier one.
    fn replace(&mut self, p: usize, member: usize, text: &str, path_len: usize) {
        let level = &mut self.levels[p];
        let out = &mut self.buffers[level.buf];
        let start = level.value_start + level.members[member].1;
        let end = level
            .members
            .get(member + 1)
            .map_or(out.len(), |&(k, _)| level.value_start + k - 1);
        if out[start..end] == *text {
            // The value it had: nothing changes (and an object hidden until
            // this member has a value was revealed when it first had it).
            return;
        }
        out.replace_range(start..end, text);
        let grown = text.len() as isize - (end - start) as isize;
        for m in &mut level.members[member + 1..] {
            m.0 = m.0.wrapping_add_signed(grown);
            m.1 = m.1.wrapping_add_signed(grown);
        }
        if level.buf == 0 {
            self.generation += 1;
            if self.deltas_on {
                self.deltas
                    .push(DeltaOp::Replace, &self.path[..path_len], &[text]);
            }
        }
        if text != "null" {
            self.check_reveal(Some(p));
        }
    }

    /// After a member was written into object `parent`: if the object is
    /// hidden until that member has a value, it shows now.
    fn check_reveal(&mut self, parent: Option<usize>) {
        let Some(p) = parent else {
            return;
        };
        let Own::Hidden(pattern) = self.levels[p].own else {
            return;
        };
        let Role::Require(key) = &self.patterns[pattern].1 else {
            return;
        };
        if *key != self.levels[p].key {
            return;
        }
        let buf = self.levels[p].buf;
        let mut closed = std::mem::take(&mut self.buffers[buf]);
        let text_len = closed.len();
        self.closers(p, buf, &mut closed);
        self.buffers.pop();
        let grand = p.checked_sub(1);
        let target = self.write_prefix(grand);
        let landing = self.buffers[target].len();
        self.buffers[target].push_str(&closed[..text_len]);
        for level in &mut self.levels[p..self.depth] {
            if level.buf == buf {
                level.buf = target;
                level.value_start += landing;
            }
        }
        self.levels[p].own = Own::Shared;
        if target == 0 {
            self.generation += 1;
            if self.deltas_on {
                let path_len = self.levels[p].path_len;
                self.deltas
                    .push(DeltaOp::Add, &self.path[..path_len], &[&closed]);
            }
        }
        self.check_reveal(grand);
    }

    fn item_started(&mut self, parent: Option<usize>, index: usize) {
        let path = parent
            .map_or("", |p| &self.path[..self.levels[p].path_len])
            .to_owned();
        self.items.push(ItemEvent::Started { path, index });
    }

    fn item_done(&mut self, parent: Option<usize>, index: usize, json: String) {
        let path = parent
            .map_or("", |p| &self.path[..self.levels[p].path_len])
            .to_owned();
        self.items.push(ItemEvent::Done { path, index, json });
    }
}
