//! Each fault kind, the rate limit and its headers, over loopback.

mod common;

use std::time::Duration;

use common::{call, create_body, http, valid_attributes};
use entity_context_sync_fake::{FakeDatadog, Fault, MALFORMED_BODY};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Sends a create; the error kind if no reply came.
async fn try_create(
    fake: &FakeDatadog,
    timeout: Option<Duration>,
) -> Result<(u16, String), reqwest::Error> {
    let mut request = http()
        .post(fake.api_url())
        .header("DD-API-KEY", fake.api_key())
        .header("DD-APPLICATION-KEY", fake.app_key())
        .json(&create_body(valid_attributes("OKTA", "t")));
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

#[tokio::test]
async fn status_faults_answer_without_changing_state() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::status(502));
    fake.fail_next(Fault::status_with_errors(500, ["boom", "again"]));
    fake.fail_next(Fault::Status {
        status: 503,
        errors: None,
    });
    let expected = [
        (502, r#"{"errors":["Bad Gateway"]}"#),
        (500, r#"{"errors":["boom","again"]}"#),
        (503, ""),
    ];
    for (status, body) in expected {
        let reply = call(
            &fake,
            Method::POST,
            "",
            Some(create_body(valid_attributes("OKTA", "t"))),
        )
        .await;
        assert_eq!((reply.status.as_u16(), reply.text.as_str()), (status, body));
        assert_eq!(reply.header("x-ratelimit-name"), "integration_config");
    }
    assert!(fake.configs().is_empty());
    assert_eq!(fake.pending_faults(), 0);
    let statuses: Vec<_> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(502), Some(500), Some(503)]);
    assert_eq!(fake.requests()[0].fault, Some(Fault::status(502)));
}

#[tokio::test]
async fn a_numbered_fault_strikes_only_that_request() {
    let fake = FakeDatadog::start().await;
    fake.fail_on(2, Fault::status(504));
    let statuses = [
        call(&fake, Method::GET, "", None).await.status,
        call(&fake, Method::GET, "", None).await.status,
        call(&fake, Method::GET, "", None).await.status,
    ];
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::GATEWAY_TIMEOUT, StatusCode::OK]
    );
}

#[tokio::test]
async fn malformed_answers_truncated_json_with_200() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::Malformed);
    let (status, body) = try_create(&fake, None).await.expect("a reply");
    assert_eq!((status, body.as_str()), (200, MALFORMED_BODY));
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
    assert!(fake.configs().is_empty());
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_reply_or_a_change() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::Reset);
    let error = try_create(&fake, None).await.expect_err("no reply");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(fake.configs().is_empty());
    assert_eq!(fake.requests()[0].status, None);
    // The fake keeps serving.
    assert_eq!(try_create(&fake, None).await.expect("a reply").0, 200);
}

#[tokio::test]
async fn reset_is_a_tcp_reset_at_the_socket() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::Reset);
    let mut stream = tokio::net::TcpStream::connect(fake.addr())
        .await
        .expect("connect");
    let request = format!(
        "GET {} HTTP/1.1\r\nhost: x\r\ndd-api-key: {}\r\ndd-application-key: {}\r\n\r\n",
        entity_context_sync_fake::API_PATH,
        fake.api_key(),
        fake.app_key()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let read = stream.read_to_end(&mut buf).await;
    assert!(buf.is_empty(), "no response bytes");
    let error = read.expect_err("connection reset");
    assert_eq!(
        error.kind(),
        std::io::ErrorKind::ConnectionReset,
        "{error:?}"
    );
}

#[tokio::test]
async fn reset_after_apply_loses_the_reply_but_keeps_the_create() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::ResetAfterApply);
    assert!(try_create(&fake, None).await.is_err());
    assert_eq!(fake.configs().len(), 1, "the create was applied");
    // The lost create is found by listing.
    let listed = call(&fake, Method::GET, "", None).await.json();
    assert_eq!(listed["data"][0]["attributes"]["integration_type"], "OKTA");
}

#[tokio::test]
async fn a_delay_the_client_gives_up_on_changes_nothing() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::Delay(Duration::from_millis(600)));
    let error = try_create(&fake, Some(Duration::from_millis(100)))
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(fake.configs().is_empty(), "the delayed create never ran");
}

#[tokio::test]
async fn a_delay_the_client_waits_for_is_served() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::Delay(Duration::from_millis(200)));
    let started = std::time::Instant::now();
    let (status, _) = try_create(&fake, None).await.expect("a reply");
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(fake.configs().len(), 1);
}

#[tokio::test]
async fn delay_after_apply_times_out_but_the_create_is_stored() {
    let fake = FakeDatadog::start().await;
    fake.fail_next(Fault::DelayAfterApply(Duration::from_millis(600)));
    let error = try_create(&fake, Some(Duration::from_millis(100)))
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(fake.configs().len(), 1);
}

#[tokio::test]
async fn rate_limit_headers_on_every_reply() {
    let fake = FakeDatadog::start().await;
    let first = call(&fake, Method::GET, "", None).await;
    let second = call(&fake, Method::GET, "/nope", None).await;
    for (reply, remaining) in [(&first, "999"), (&second, "998")] {
        assert_eq!(reply.header("x-ratelimit-limit"), "1000");
        assert_eq!(reply.header("x-ratelimit-period"), "60");
        assert_eq!(reply.header("x-ratelimit-remaining"), remaining);
        let reset: u64 = reply.header("x-ratelimit-reset").parse().expect("number");
        assert!((1..=60).contains(&reset));
        assert_eq!(reply.header("x-ratelimit-name"), "integration_config");
    }
}

#[tokio::test]
async fn an_enforced_rate_limit_answers_429_until_the_window_resets() {
    let fake = FakeDatadog::builder().rate_limit(2, 1).start().await;
    assert_eq!(
        call(&fake, Method::GET, "", None).await.status,
        StatusCode::OK
    );
    let second = call(&fake, Method::GET, "", None).await;
    assert_eq!(second.header("x-ratelimit-remaining"), "0");
    let refused = call(
        &fake,
        Method::POST,
        "",
        Some(create_body(valid_attributes("OKTA", "t"))),
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.json(), json!({"errors": ["Too many requests"]}));
    assert_eq!(refused.header("x-ratelimit-limit"), "2");
    assert_eq!(refused.header("x-ratelimit-period"), "1");
    assert_eq!(refused.header("x-ratelimit-remaining"), "0");
    let reset: u64 = refused.header("x-ratelimit-reset").parse().expect("number");
    assert_eq!(reset, 1);
    assert!(
        fake.configs().is_empty(),
        "a refused create changes nothing"
    );

    tokio::time::sleep(Duration::from_secs(reset)).await;
    assert_eq!(
        call(&fake, Method::GET, "", None).await.status,
        StatusCode::OK
    );
}
