//! The visible value as Python objects, kept up to date from the
//! document's deltas.
//!
//! # Design
//!
//! Every delta of a streamed document lands on its rightmost spine, so the
//! tree keeps that spine: the open containers from the root down, each with
//! its JSON Pointer (`frames`, nested, so one `spine` string holds all their
//! pointers). A delta's parent is found by popping frames that are not its
//! ancestors: O(1) amortized. Containers are Python `dict`s and `list`s
//! updated in place; anything left of the spine is complete and never
//! touched again, so its Python objects are built once.
//!
//! A string that grows is the exception: a Python `str` cannot grow, so the
//! open string's text is kept here and a new `str` is written into its
//! parent only when the value is read ([`Tree::sync`]) or the string
//! closes: reading after every chunk costs the string's length, not the
//! document's.

use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::PyTraverseError;
use structream_parser::document::{Delta, DeltaOp};

use crate::convert;
use crate::pointer;

/// An open container on the spine.
struct Frame {
    /// Length of its pointer in [`Tree::spine`].
    path_len: usize,
    obj: Py<PyAny>,
}

/// Where a value sits in its parent.
enum Slot {
    Root,
    Member(Py<PyDict>, Py<PyString>),
    Item(Py<PyList>, usize),
}

/// The string at the tip of the spine, while it may still grow.
struct OpenString {
    path: String,
    slot: Slot,
    text: String,
    /// Text was appended since the parent last got a `str` of it.
    stale: bool,
}

/// A delta as Python objects: `(op, path, value)`.
pub(crate) type PyDelta = (&'static str, String, Py<PyAny>);

/// The visible value as Python objects: see the [module docs](self).
#[derive(Default)]
pub(crate) struct Tree {
    root: Option<Py<PyAny>>,
    frames: Vec<Frame>,
    /// The pointer of the deepest frame; each frame's pointer is a prefix.
    spine: String,
    open: Option<OpenString>,
}

impl Tree {
    /// Calls `visit` on every Python object the tree holds (for the garbage
    /// collector).
    pub(crate) fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.root)?;
        for frame in &self.frames {
            visit.call(&frame.obj)?;
        }
        if let Some(open) = &self.open {
            match &open.slot {
                Slot::Root => {}
                Slot::Member(dict, key) => {
                    visit.call(dict)?;
                    visit.call(key)?;
                }
                Slot::Item(list, _) => visit.call(list)?,
            }
        }
        Ok(())
    }

    /// The root value, with the open string's text written in.
    pub(crate) fn value(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.sync(py)?;
        Ok(self.root.as_ref().map(|r| r.clone_ref(py)))
    }

    /// Writes the open string's current text into its parent, if stale.
    pub(crate) fn sync(&mut self, py: Python<'_>) -> PyResult<()> {
        let Some(open) = self.open.as_mut() else {
            return Ok(());
        };
        if open.stale {
            open.stale = false;
            let s = PyString::new(py, &open.text).into_any();
            set_slot(py, &open.slot, s, &mut self.root)?;
        }
        Ok(())
    }

    /// Applies one delta. `record`, when given, receives it as Python objects.
    pub(crate) fn apply(
        &mut self,
        py: Python<'_>,
        delta: &Delta<'_>,
        record: Option<&mut Vec<PyDelta>>,
    ) -> PyResult<()> {
        let path = delta.path();
        if delta.op() == DeltaOp::Append {
            self.append(py, path, delta.value())?;
            if let Some(out) = record {
                let text = PyString::new(py, delta.value()).into_any().unbind();
                out.push(("append", path.to_owned(), text));
            }
            return Ok(());
        }
        self.close_string(py)?;
        let value = convert::json_text(py, delta.value())?;
        let slot = self.slot_for(py, path)?;
        if let Some(out) = record {
            // The recorded value must not change later: an empty container
            // that will fill up in the tree is recorded as a fresh one.
            let kept = match delta.value() {
                "{}" => PyDict::new(py).into_any().unbind(),
                "[]" => PyList::empty(py).into_any().unbind(),
                _ => value.clone().unbind(),
            };
            out.push((delta.op().as_str(), path.to_owned(), kept));
        }
        if delta.value() == "\"\"" {
            // A string that opened and may grow.
            self.open = Some(OpenString {
                path: path.to_owned(),
                slot: clone_slot(py, &slot),
                text: String::new(),
                stale: false,
            });
        } else if value.is_instance_of::<PyDict>() || value.is_instance_of::<PyList>() {
            self.spine.clear();
            self.spine.push_str(path);
            self.frames.push(Frame {
                path_len: path.len(),
                obj: value.clone().unbind(),
            });
        }
        set_slot(py, &slot, value, &mut self.root)
    }

    /// Appends to the string at `path`.
    fn append(&mut self, py: Python<'_>, path: &str, text: &str) -> PyResult<()> {
        if let Some(open) = self.open.as_mut().filter(|o| o.path == path) {
            open.text.push_str(text);
            open.stale = true;
            return Ok(());
        }
        // A string the tree did not see open (it showed whole, then grew).
        self.close_string(py)?;
        let slot = self.slot_for(py, path)?;
        let current = get_slot(py, &slot, &self.root)?;
        let mut owned: String = current.cast::<PyString>()?.to_cow()?.into_owned();
        owned.push_str(text);
        self.open = Some(OpenString {
            path: path.to_owned(),
            slot,
            text: owned,
            stale: true,
        });
        Ok(())
    }

    /// The open string is done growing: its last text goes in, and it is
    /// forgotten.
    fn close_string(&mut self, py: Python<'_>) -> PyResult<()> {
        self.sync(py)?;
        self.open = None;
        Ok(())
    }

    /// The slot of the node at `path`: its parent found on the spine (frames
    /// that are not ancestors are popped; missing ones are looked up below
    /// the deepest ancestor and pushed).
    fn slot_for(&mut self, py: Python<'_>, path: &str) -> PyResult<Slot> {
        let Some((parent, token)) = pointer::split_last(path) else {
            self.frames.clear();
            self.spine.clear();
            return Ok(Slot::Root);
        };
        while let Some(top) = self.frames.last() {
            if pointer::is_ancestor_or_self(&self.spine[..top.path_len], parent) {
                break;
            }
            self.frames.pop();
        }
        let known = self.frames.last().map_or(0, |f| f.path_len);
        if self.frames.is_empty() || known < parent.len() {
            self.descend(py, parent, known)?;
        }
        let parent_obj = self
            .frames
            .last()
            .map(|f| f.obj.bind(py).clone())
            .ok_or_else(|| internal("no parent container"))?;
        if let Ok(dict) = parent_obj.cast::<PyDict>() {
            let key = PyString::new(py, &pointer::unescape(token)).unbind();
            return Ok(Slot::Member(dict.clone().unbind(), key));
        }
        let list = parent_obj
            .cast::<PyList>()
            .map_err(|_| internal("parent is not a container"))?;
        let i = pointer::index(token).ok_or_else(|| internal("bad index"))?;
        Ok(Slot::Item(list.clone().unbind(), i))
    }

    /// Pushes the frames from the deepest known one (pointer length `known`,
    /// or the root when there is none) down to the container at `parent`.
    fn descend(&mut self, py: Python<'_>, parent: &str, known: usize) -> PyResult<()> {
        let mut node = match self.frames.last() {
            Some(f) => f.obj.bind(py).clone(),
            None => {
                let root = self.root.as_ref().ok_or_else(|| internal("no root"))?;
                let root = root.bind(py).clone();
                self.spine.clear();
                self.frames.push(Frame {
                    path_len: 0,
                    obj: root.clone().unbind(),
                });
                root
            }
        };
        let mut len = known;
        for token in pointer::tokens_after(parent, known) {
            node = child(&node, token)?.ok_or_else(|| internal("no such node"))?;
            len += 1 + token.len();
            self.frames.push(Frame {
                path_len: len,
                obj: node.clone().unbind(),
            });
        }
        self.spine.clear();
        self.spine.push_str(parent);
        Ok(())
    }

    /// The node at JSON Pointer `path`, if the tree has it.
    pub(crate) fn get(&mut self, py: Python<'_>, path: &str) -> PyResult<Option<Py<PyAny>>> {
        self.sync(py)?;
        let Some(root) = &self.root else {
            return Ok(None);
        };
        if !path.is_empty() && !path.starts_with('/') {
            return Ok(None);
        }
        let mut node = root.bind(py).clone();
        for token in pointer::tokens_after(path, 0) {
            match child(&node, token)? {
                Some(next) => node = next,
                None => return Ok(None),
            }
        }
        Ok(Some(node.unbind()))
    }
}

/// The child of a container by (escaped) reference token.
fn child<'py>(node: &Bound<'py, PyAny>, token: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    if let Ok(dict) = node.cast::<PyDict>() {
        return dict.get_item(pointer::unescape(token).as_ref());
    }
    if let Ok(list) = node.cast::<PyList>() {
        return Ok(pointer::index(token).and_then(|i| list.get_item(i).ok()));
    }
    Ok(None)
}

fn clone_slot(py: Python<'_>, slot: &Slot) -> Slot {
    match slot {
        Slot::Root => Slot::Root,
        Slot::Member(d, k) => Slot::Member(d.clone_ref(py), k.clone_ref(py)),
        Slot::Item(l, i) => Slot::Item(l.clone_ref(py), *i),
    }
}

fn set_slot(
    py: Python<'_>,
    slot: &Slot,
    value: Bound<'_, PyAny>,
    root: &mut Option<Py<PyAny>>,
) -> PyResult<()> {
    match slot {
        Slot::Root => *root = Some(value.unbind()),
        Slot::Member(dict, key) => dict.bind(py).set_item(key.bind(py), value)?,
        Slot::Item(list, i) => {
            let list = list.bind(py);
            if *i < list.len() {
                list.set_item(*i, value)?;
            } else {
                list.append(value)?;
            }
        }
    }
    Ok(())
}

fn get_slot<'py>(
    py: Python<'py>,
    slot: &Slot,
    root: &Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    match slot {
        Slot::Root => root
            .as_ref()
            .map(|r| r.bind(py).clone())
            .ok_or_else(|| internal("no root")),
        Slot::Member(dict, key) => dict
            .bind(py)
            .get_item(key.bind(py))?
            .ok_or_else(|| internal("no such member")),
        Slot::Item(list, i) => list.bind(py).get_item(*i),
    }
}

fn internal(what: &str) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(format!(
        "internal error: a delta does not fit the value ({what})"
    ))
}

impl Tree {
    /// A copy of the value that later chunks leave alone: the containers on
    /// the spine are copied (shallowly), everything else is shared.
    pub(crate) fn snapshot(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.sync(py)?;
        let Some(root) = &self.root else {
            return Ok(None);
        };
        let root = root.bind(py);
        // The frames below the root that are still where the spine says.
        let mut parent = shallow_copy(root)?;
        let top = parent.clone();
        let mut original = root.clone();
        let mut start = 0;
        if self.frames.first().is_some_and(|f| f.path_len == 0) {
            for frame in &self.frames[1..] {
                let Some(token) = pointer::tokens_after(&self.spine[..frame.path_len], start).next()
                else {
                    break;
                };
                let Some(next) = child(&original, token)? else {
                    break;
                };
                if !next.is(frame.obj.bind(py)) {
                    break;
                }
                let copy = shallow_copy(&next)?;
                set_child(&parent, token, &copy)?;
                parent = copy;
                original = next;
                start = frame.path_len;
            }
        }
        Ok(Some(top.unbind()))
    }
}

/// A new `dict` or `list` with the same children; other values as they are.
fn shallow_copy<'py>(node: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(dict) = node.cast::<PyDict>() {
        return Ok(dict.copy()?.into_any());
    }
    if let Ok(list) = node.cast::<PyList>() {
        return Ok(list.get_slice(0, list.len()).into_any());
    }
    Ok(node.clone())
}

fn set_child(node: &Bound<'_, PyAny>, token: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if let Ok(dict) = node.cast::<PyDict>() {
        return dict.set_item(pointer::unescape(token).as_ref(), value);
    }
    if let (Ok(list), Some(i)) = (node.cast::<PyList>(), pointer::index(token)) {
        return list.set_item(i, value);
    }
    Err(internal("snapshot path is not a container"))
}
