//! Stream decoding of the OpenAI protocols: Chat Completions (OpenAI and
//! every OpenAI-compatible server), the Responses API and Ollama's native
//! NDJSON, one module each.

pub mod chat;
pub mod ollama;
pub mod responses;
mod usage;
