//! `PartialJSON`: one object per stream, fed chunks, read at any time.

use pyo3::PyTraverseError;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyList, PyString};
use structream_parser::document::{
    Document, ItemEvent, Lenient, NodeState, Options, Outcome, Pattern, StringMode,
};
use structream_parser::repair::{Kind, NonFinite, Repair, Repairs};

use crate::convert;
use crate::error::json_error;
use crate::tree::{PyDelta, Tree};

/// How much of a value shows before it is complete.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Nothing until the whole value is read.
    Off,
    /// Containers as they fill; strings once closed.
    On,
    /// Containers as they fill; strings as they grow.
    TrailingStrings,
}

impl Mode {
    pub(crate) fn from_py(value: &Bound<'_, PyAny>) -> PyResult<Mode> {
        if let Ok(b) = value.cast::<PyBool>() {
            return Ok(if b.is_true() { Mode::On } else { Mode::Off });
        }
        if let Ok(s) = value.cast::<PyString>() {
            match &*s.to_cow()? {
                "off" => return Ok(Mode::Off),
                "on" => return Ok(Mode::On),
                "trailing-strings" => return Ok(Mode::TrailingStrings),
                _ => {}
            }
        }
        Err(PyValueError::new_err(format!(
            "partial_mode must be one of \"off\", \"on\", \"trailing-strings\", False or True, not {}",
            value.repr()?
        )))
    }

    fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::On => "on",
            Mode::TrailingStrings => "trailing-strings",
        }
    }
}

/// How the input ended.
pub(crate) enum End {
    /// One whole value.
    Complete,
    /// The input stopped inside the value (or held none).
    Incomplete(structream_parser::Error),
    /// The input was invalid.
    Invalid(structream_parser::Error),
}

/// JSON Pointer patterns given as strings.
pub(crate) fn patterns(items: Option<Vec<String>>) -> PyResult<Vec<Pattern>> {
    items
        .unwrap_or_default()
        .iter()
        .map(|p| {
            p.parse::<Pattern>()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
        .collect()
}

/// A JSON value that streams in: feed it chunks, read the value at any time.
#[pyclass(module = "structream", name = "PartialJSON")]
pub(crate) struct PartialJson {
    doc: Document,
    tree: Tree,
    mode: Mode,
    /// The error that stopped the input, repeated on every later call.
    error: Option<structream_parser::Error>,
    /// `finish` was called.
    finished: bool,
    /// Items that closed during the last feed: (array pointer, index, value).
    closed: Vec<(String, usize, Py<PyAny>)>,
    /// The last feed's deltas, when asked for.
    deltas: Option<Vec<PyDelta>>,
    /// Every repair made so far: (kind name, byte offset).
    repairs: Vec<(&'static str, u64)>,
}

/// The repair set `repair=` names: `True` (every kind), `False`/`None`
/// (none), or an iterable of kind names; with `non_finite` for `NaN` and
/// the infinities.
fn repairs_from_py(repair: Option<&Bound<'_, PyAny>>, non_finite: &str) -> PyResult<Repairs> {
    let non_finite = NonFinite::from_name(non_finite).ok_or_else(|| {
        PyValueError::new_err(format!(
            "non_finite must be one of \"null\", \"string\", \"error\", not {non_finite:?}"
        ))
    })?;
    let Some(repair) = repair.filter(|r| !r.is_none()) else {
        return Ok(Repairs::NONE);
    };
    if let Ok(b) = repair.cast::<PyBool>() {
        let set = if b.is_true() {
            Repairs::ALL
        } else {
            Repairs::NONE
        };
        return Ok(set.non_finite(non_finite));
    }
    if repair.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "repair takes True, False or a list of kind names, not a str",
        ));
    }
    let mut names = Vec::new();
    for name in repair.try_iter()? {
        names.push(name?.cast::<PyString>()?.to_cow()?.into_owned());
    }
    let set = Repairs::from_names(names.iter().map(String::as_str))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(set.non_finite(non_finite))
}

/// The names of every repair kind, in `Kind::ALL`'s order.
pub(crate) fn repair_kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.name()).collect()
}

#[pymethods]
impl PartialJson {
    #[new]
    #[pyo3(signature = (
        partial_mode = None, items = None, lenient = false, deltas = false,
        repair = None, non_finite = "null",
    ))]
    fn new(
        partial_mode: Option<&Bound<'_, PyAny>>,
        items: Option<Vec<String>>,
        lenient: bool,
        deltas: bool,
        repair: Option<&Bound<'_, PyAny>>,
        non_finite: &str,
    ) -> PyResult<Self> {
        let mode = match partial_mode {
            Some(m) => Mode::from_py(m)?,
            None => Mode::TrailingStrings,
        };
        let items = patterns(items)?;
        let lenient = if lenient { Lenient::Any } else { Lenient::Off };
        let repairs = repairs_from_py(repair, non_finite)?;
        let mut parser = PartialJson::build(mode, &items, lenient, repairs);
        parser.deltas = deltas.then(Vec::new);
        Ok(parser)
    }

    /// Feeds a chunk (`bytes`, `bytearray` or `str`, split anywhere);
    /// returns whether the visible value changed.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.check_open(py)?;
        if let Ok(bytes) = chunk.cast::<PyBytes>() {
            return self.feed_bytes(py, bytes.as_bytes());
        }
        if let Ok(s) = chunk.cast::<PyString>() {
            return self.feed_bytes(py, s.to_cow()?.as_bytes());
        }
        if let Ok(array) = chunk.cast::<PyByteArray>() {
            return self.feed_bytes(py, &array.to_vec());
        }
        Err(PyTypeError::new_err(format!(
            "feed() takes bytes, bytearray or str, not {}",
            chunk.get_type().name()?
        )))
    }

    /// Signals the end of input; returns True when the input held one whole
    /// value. With `strict=True`, incomplete input raises `JSONError` instead.
    #[pyo3(signature = (strict = false))]
    fn finish(&mut self, py: Python<'_>, strict: bool) -> PyResult<bool> {
        match self.end(py)? {
            End::Invalid(e) => Err(json_error(py, &e)),
            End::Incomplete(e) if strict => Err(json_error(py, &e)),
            End::Complete => Ok(true),
            End::Incomplete(_) => Ok(false),
        }
    }

    /// The visible value (`None` until something shows): one live object,
    /// updated in place by later chunks; see `snapshot()` for a copy.
    #[getter]
    pub(crate) fn value(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.tree.value(py)
    }

    /// A copy of the visible value that later chunks leave alone; it shares
    /// every completed subtree with `value`.
    fn snapshot(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.tree.snapshot(py)
    }

    /// The items of the selected arrays that closed during the last feed.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.closed.iter().map(|(_, _, v)| v.clone_ref(py)))
    }

    /// `(array pointer, index, value)` of each item that closed during the
    /// last feed.
    #[getter]
    fn closed_items(&self, py: Python<'_>) -> Vec<(String, usize, Py<PyAny>)> {
        self.closed
            .iter()
            .map(|(p, i, v)| (p.clone(), *i, v.clone_ref(py)))
            .collect()
    }

    /// The last feed's changes as `(op, path, value)` tuples.
    #[getter]
    fn deltas(&self, py: Python<'_>) -> PyResult<Vec<PyDelta>> {
        let Some(deltas) = &self.deltas else {
            return Err(PyValueError::new_err(
                "deltas are recorded only by PartialJSON(..., deltas=True)",
            ));
        };
        Ok(deltas
            .iter()
            .map(|(op, p, v)| (*op, p.clone(), v.clone_ref(py)))
            .collect())
    }

    /// Every repair made so far (see `repair=`), in input order, as
    /// `(kind, byte offset)` tuples.
    #[getter]
    fn repairs(&self) -> Vec<(&'static str, u64)> {
        self.repairs.clone()
    }

    /// The completion state of the node at JSON Pointer `pointer`.
    fn state(&mut self, py: Python<'_>, pointer: &str) -> PyResult<Option<&'static str>> {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(PyValueError::new_err(format!(
                "{pointer:?} is not a JSON Pointer: it must be empty or start with '/'"
            )));
        }
        let state = self.doc.state_at(pointer);
        if state == NodeState::Pending {
            return Ok(Some("pending"));
        }
        if self.tree.get(py, pointer)?.is_none() {
            return Ok(None);
        }
        Ok(Some(match state {
            NodeState::Incomplete => "incomplete",
            _ => "complete",
        }))
    }

    /// The visible value as compact JSON text, or `None`.
    fn json(&self) -> Option<String> {
        self.doc.snapshot().map(|s| s.to_json())
    }

    /// Whether the whole value has been read.
    #[getter]
    fn complete(&self) -> bool {
        self.doc.is_complete()
    }

    /// Bytes consumed so far.
    #[getter]
    fn offset(&self) -> u64 {
        self.doc.offset()
    }

    /// The partial mode, as a string.
    #[getter]
    fn partial_mode(&self) -> &'static str {
        self.mode.as_str()
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.tree.traverse(&visit)?;
        for (_, _, value) in &self.closed {
            visit.call(value)?;
        }
        for (_, _, value) in self.deltas.iter().flatten() {
            visit.call(value)?;
        }
        Ok(())
    }

    fn __clear__(&mut self) {
        // Breaks cycles through the value (a parser stored inside its own
        // value); the parser shows nothing afterwards.
        self.tree = Tree::default();
        self.closed.clear();
        if let Some(d) = &mut self.deltas {
            d.clear();
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "PartialJSON(partial_mode={:?}, offset={}, complete={})",
            self.mode.as_str(),
            self.doc.offset(),
            if self.doc.is_complete() {
                "True"
            } else {
                "False"
            }
        )
    }
}

impl PartialJson {
    /// A parser in `mode` reporting the items of `items`; `lenient` finds
    /// the value (of the kind it names) in prose, fences and reasoning
    /// blocks; `repairs` repairs almost-JSON as it streams.
    pub(crate) fn build(mode: Mode, items: &[Pattern], lenient: Lenient, repairs: Repairs) -> Self {
        let strings = match mode {
            Mode::TrailingStrings => StringMode::Trailing,
            Mode::On | Mode::Off => StringMode::Complete,
        };
        // The tree is built from the deltas, so they are always on.
        let mut options = Options::default()
            .strings(strings)
            .deltas(true)
            .lenient(lenient)
            .repair(repairs);
        if mode == Mode::Off {
            // The empty pointer, the root, always parses.
            if let Ok(root) = "".parse::<Pattern>() {
                options = options.hold(root);
            }
        }
        for pattern in items {
            options = options.items(pattern.clone());
        }
        PartialJson {
            doc: Document::with_options(options),
            tree: Tree::default(),
            mode,
            error: None,
            finished: false,
            closed: Vec::new(),
            deltas: None,
            repairs: Vec::new(),
        }
    }

    /// Whether any value has started showing.
    pub(crate) fn shows(&self) -> bool {
        self.doc.snapshot().is_some()
    }

    /// The items that closed during the last feed, as `(array pointer,
    /// index, value)`.
    pub(crate) fn closed(&self) -> &[(String, usize, Py<PyAny>)] {
        &self.closed
    }

    /// Ends the input (once; later calls repeat the outcome).
    pub(crate) fn end(&mut self, py: Python<'_>) -> PyResult<End> {
        if let Some(e) = self.error {
            return Ok(End::Invalid(e));
        }
        if !self.finished {
            self.begin_feed();
            match self.doc.finish() {
                Ok(changes) => {
                    record(&mut self.repairs, changes.repairs());
                    for delta in changes.deltas() {
                        self.tree.apply(py, &delta, self.deltas.as_mut())?;
                    }
                    collect_items(py, &mut self.tree, changes.items(), &mut self.closed)?;
                }
                Err(e) => {
                    self.error = Some(e);
                    return Ok(End::Invalid(e));
                }
            }
            self.finished = true;
        }
        Ok(match self.doc.outcome() {
            Some(Outcome::Incomplete(e)) => End::Incomplete(e),
            _ => End::Complete,
        })
    }

    /// The error that stopped the input, if any.
    pub(crate) fn error(&self) -> Option<structream_parser::Error> {
        self.error
    }

    fn check_open(&self, py: Python<'_>) -> PyResult<()> {
        if let Some(e) = &self.error {
            return Err(json_error(py, e));
        }
        if self.finished {
            return Err(PyValueError::new_err("feed() after finish()"));
        }
        Ok(())
    }

    fn begin_feed(&mut self) {
        self.closed.clear();
        if let Some(d) = &mut self.deltas {
            d.clear();
        }
    }

    /// Feeds `bytes`; returns whether the visible value changed.
    pub(crate) fn feed_bytes(&mut self, py: Python<'_>, bytes: &[u8]) -> PyResult<bool> {
        self.begin_feed();
        match self.doc.feed(bytes) {
            Ok(changes) => {
                record(&mut self.repairs, changes.repairs());
                for delta in changes.deltas() {
                    self.tree.apply(py, &delta, self.deltas.as_mut())?;
                }
                if !changes.items().is_empty() {
                    collect_items(py, &mut self.tree, changes.items(), &mut self.closed)?;
                }
                Ok(changes.changed())
            }
            Err(e) => {
                self.error = Some(e);
                Err(json_error(py, &e))
            }
        }
    }
}

/// Appends a feed's repairs to `out` as (kind name, byte offset).
fn record(out: &mut Vec<(&'static str, u64)>, repairs: &[Repair]) {
    out.extend(repairs.iter().map(|r| (r.kind().name(), r.offset())));
}

/// The values of the items that closed: the tree's own objects when the
/// array shows, built from the item's text when it does not (yet).
fn collect_items(
    py: Python<'_>,
    tree: &mut Tree,
    events: &[ItemEvent],
    out: &mut Vec<(String, usize, Py<PyAny>)>,
) -> PyResult<()> {
    for event in events {
        let ItemEvent::Done { path, index, json } = event else {
            continue;
        };
        let pointer = format!("{path}/{index}");
        let value = match tree.get(py, &pointer)? {
            Some(v) => v,
            None => convert::json_text(py, json)?.unbind(),
        };
        out.push((path.clone(), *index, value));
    }
    Ok(())
}
