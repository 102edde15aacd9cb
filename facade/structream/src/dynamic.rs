//! Calls whose output schema is known only at run time (a JSON Schema read
//! from a file, built by a program): the value is a [`serde_json::Value`],
//! validated against that schema, with the same streams, retries and
//! errors as a typed call.

use serde_json::Value;

use crate::{CallKind, CallStream, Client, Error, Event, Request, Validate};

/// Accepts every value: a `serde_json::Value` is checked against the
/// schema it was asked for, if any (see [`Client::create_with_schema`]).
impl Validate for Value {}

/// The tool name of a schema without a `title`.
const UNTITLED: &str = "output";

impl Client {
    /// The value, complete and valid against the JSON Schema `schema`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), structream::Error> {
    /// let client = structream::Client::from_provider("openai/gpt-4.1-mini")?;
    /// let schema = serde_json::json!({
    ///     "title": "User",
    ///     "type": "object",
    ///     "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    ///     "required": ["name", "age"],
    /// });
    /// let user = client.create_with_schema(schema, "Jason is 25").await?;
    /// assert!(user["age"].is_u64());
    /// # Ok(()) }
    /// ```
    pub async fn create_with_schema(
        &self,
        schema: Value,
        request: impl Into<Request>,
    ) -> Result<Value, Error> {
        let mut stream = self.dynamic(schema, request.into(), CallKind::Value);
        let mut reason = None;
        while let Some(event) = crate::next(&mut stream).await {
            if let Event::Done(value) = event? {
                return Ok(value);
            }
            reason = stream.finish_reason();
        }
        Err(Error::Incomplete {
            partial: None,
            reason,
            items: None,
            cause: None,
        })
    }

    /// [`Client::create_partial`] for a value with the JSON Schema `schema`.
    pub fn create_partial_with_schema(
        &self,
        schema: Value,
        request: impl Into<Request>,
    ) -> CallStream<Value> {
        self.dynamic(schema, request.into(), CallKind::Partial)
    }

    /// [`Client::create_iterable`] for items with the JSON Schema `schema`
    /// (the schema of one item).
    pub fn create_iterable_with_schema(
        &self,
        schema: Value,
        request: impl Into<Request>,
    ) -> CallStream<Value> {
        self.dynamic(schema, request.into(), CallKind::Iterable)
    }

    fn dynamic(&self, mut schema: Value, request: Request, kind: CallKind) -> CallStream<Value> {
        if let Value::Object(map) = &mut schema {
            map.remove("$schema");
        }
        self.stream_with_schema(request, kind, schema, UNTITLED)
    }
}

#[cfg(all(test, feature = "replay"))]
mod tests {
    use serde_json::json;

    use crate::replay::{self, Plan, Server};
    use crate::{Client, ClientBuilder, Error, Event, next};

    async fn connect(server: &Server) -> Client {
        ClientBuilder::from_provider("openai/replay-model")
            .unwrap()
            .api_key("sk-test")
            .base_url(server.base_url())
            .build()
            .unwrap()
    }

    fn schema() -> serde_json::Value {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Point",
            "type": "object",
            "properties": {"x": {"type": "integer", "maximum": 10}, "y": {"type": "integer"}},
            "required": ["x", "y"],
        })
    }

    #[tokio::test]
    async fn the_schema_goes_out_as_the_tool_and_the_answer_is_checked_against_it() {
        let body = replay::openai_tool_calls(&[("Point", r#"{"x": 3, "y": 4}"#)], 3);
        let server = Server::start(vec![Plan::stream(body, vec![])]).await;
        let value = connect(&server)
            .await
            .create_with_schema(schema(), "a point")
            .await
            .unwrap();
        assert_eq!(value, json!({"x": 3, "y": 4}));
        let sent: serde_json::Value = serde_json::from_slice(&server.received()[0].body).unwrap();
        let tool = &sent["tools"][0]["function"];
        assert_eq!(tool["name"], "Point");
        assert_eq!(tool["parameters"]["properties"]["x"]["maximum"], 10);
        assert!(tool["parameters"].get("$schema").is_none());

        let body = replay::openai_tool_calls(&[("Point", r#"{"x": 11, "y": 4}"#)], 3);
        let server = Server::start(vec![Plan::stream(body, vec![])]).await;
        let err = connect(&server)
            .await
            .create_with_schema(schema(), "a point")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { path, .. } if path == "/x"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn items_and_partials_stream_as_json_values() {
        let list = r#"{"items": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}"#;
        let body = replay::openai_tool_calls(&[("PointList", list)], 4);
        let server = Server::start(vec![Plan::stream(body, vec![])]).await;
        let mut stream = connect(&server)
            .await
            .create_iterable_with_schema(schema(), "two points");
        let mut items = Vec::new();
        while let Some(event) = next(&mut stream).await {
            if let Event::Item(v) = event.unwrap() {
                items.push(v);
            }
        }
        assert_eq!(items, [json!({"x": 1, "y": 2}), json!({"x": 3, "y": 4})]);

        let body = replay::openai_tool_calls(&[("Point", r#"{"x": 3, "y": 4}"#)], 1);
        let cuts = (1..body.len()).step_by(40).collect();
        let server = Server::start(vec![Plan::stream(body, cuts)]).await;
        let mut stream = connect(&server)
            .await
            .create_partial_with_schema(schema(), "a point");
        let mut partials = 0;
        let mut done = None;
        while let Some(event) = next(&mut stream).await {
            match event.unwrap() {
                Event::Partial(_) => partials += 1,
                Event::Done(v) => done = Some(v),
                _ => {}
            }
        }
        assert!(partials > 1);
        assert_eq!(done, Some(json!({"x": 3, "y": 4})));
    }
}
