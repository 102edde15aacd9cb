#!/usr/bin/env python3
"""Writes a batch results file of about SIZE bytes (default 1 GiB) in the
shape of a provider's results JSONL, for `structream batch results
--from-file`: OpenAI (Chat Completions tool calls), Anthropic (tool_use) or
Gemini (functionCall). One line in 50 does not validate (a key point list
that is a string), one in 200 is a provider error, one in 500 expired.
The arguments vary per line, so no two lines are the same.

usage: gen_results.py PROVIDER OUT [SIZE_BYTES]
"""
import json
import sys

WORDS = ("batch provider schema stream token value invoice customer ticket refund "
         "shipment delay billing account error summary report quarter revenue growth").split()


def summary(i):
    w = lambda k: WORDS[(i * 7 + k * 13) % len(WORDS)]
    points = [f"Point {k} about the {w(k)} and the {w(k + 1)} of document {i}." for k in range(4)]
    value = {
        "title": f"Document {i}: the {w(0)} {w(1)}",
        "summary": " ".join(f"The {w(k)} of item {i} changed the {w(k + 2)} \"quoted\"." for k in range(6)),
        "key_points": points if i % 50 else "not a list",
    }
    return value


def line(provider, i):
    cid = f"doc-{i:09d}"
    value = summary(i)
    args = json.dumps(value)
    if provider == "openai":
        if i % 200 == 7:
            return {"id": f"batch_req_{i}", "custom_id": cid, "response": {"status_code": 400, "request_id": f"req_{i}", "body": {"error": {"message": "This model's maximum context length is 128000 tokens.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}}, "error": None}
        if i % 500 == 9:
            return {"id": f"batch_req_{i}", "custom_id": cid, "response": None, "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}}
        return {"id": f"batch_req_{i}", "custom_id": cid, "response": {"status_code": 200, "request_id": f"req_{i:032x}", "body": {
            "id": f"chatcmpl-{i:024x}", "object": "chat.completion", "created": 1711652795, "model": "gpt-4.1-mini-2025-04-14",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": None, "refusal": None, "tool_calls": [
                {"id": f"call_{i:024x}", "type": "function", "function": {"name": "Summary", "arguments": args}}], "annotations": []},
                "logprobs": None, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 312, "completion_tokens": 140, "total_tokens": 452,
                      "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}},
            "service_tier": "default", "system_fingerprint": "fp_6f2eabb9a5"}}, "error": None}
    if provider == "anthropic":
        if i % 200 == 7:
            return {"custom_id": cid, "result": {"type": "errored", "error": {"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 250000 tokens > 200000 maximum"}}}}
        if i % 500 == 9:
            return {"custom_id": cid, "result": {"type": "expired"}}
        return {"custom_id": cid, "result": {"type": "succeeded", "message": {
            "id": f"msg_{i:024x}", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
            "content": [{"type": "tool_use", "id": f"toolu_{i:024x}", "name": "Summary", "input": value}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 412, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 160}}}}
    if i % 200 == 7:
        return {"key": cid, "error": {"code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT"}}
    return {"key": cid, "response": {"candidates": [{"content": {"parts": [{"functionCall": {"name": "Summary", "args": value}}], "role": "model"},
        "finishReason": "STOP", "index": 0}], "usageMetadata": {"promptTokenCount": 300, "candidatesTokenCount": 150, "totalTokenCount": 450},
        "modelVersion": "gemini-2.5-flash", "responseId": f"resp-{i:020x}"}}


def main():
    provider, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1 << 30
    written, i = 0, 0
    with open(out, "w", buffering=1 << 22) as f:
        while written < size:
            text = json.dumps(line(provider, i), separators=(",", ":")) + "\n"
            f.write(text)
            written += len(text)
            i += 1
    print(f"{out}: {written} bytes, {i} lines", file=sys.stderr)


main()
