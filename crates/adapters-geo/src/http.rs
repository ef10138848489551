//! One GET to a public JSON service, its failures sorted into the two
//! classes the callers act on.

use std::time::Duration;

use histologe_ports::LookupError;

/// A client for one service: its timeout, and a user agent that names us
/// (the services ask for one to tell callers apart).
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    crate::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(3)))
        .user_agent(concat!("histologe-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("client HTTP : {e}"))
}

/// The base URL of a service, checked, without its trailing slash.
pub(crate) fn base_url(service: &str, url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "https" | "http") => Ok(url.to_string()),
        _ => Err(format!(
            "URL du service {service} invalide : « {url} » (attendu : https://…)"
        )),
    }
}

/// `base` + `path` with `params` encoded in the query string.
pub(crate) fn with_query(
    base: &str,
    path: &str,
    params: &[(&str, &str)],
) -> Result<url::Url, LookupError> {
    url::Url::parse_with_params(&format!("{base}{path}"), params)
        .map_err(|e| LookupError::BadResponse(format!("URL: {e}")))
}

/// The body of a 2xx answer. 5xx, 429 and network failures (timeouts
/// included) are `Unavailable`; other statuses are `BadResponse`. Errors
/// name the service and the status, never the query (an address).
pub(crate) async fn get_text(
    client: &reqwest::Client,
    service: &str,
    url: url::Url,
) -> Result<String, LookupError> {
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| LookupError::Unavailable(format!("{service}: {}", kind_of(&e))))?;
    let status = response.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(LookupError::Unavailable(format!(
            "{service}: HTTP {status}"
        )));
    }
    if !status.is_success() {
        return Err(LookupError::BadResponse(format!(
            "{service}: HTTP {status}"
        )));
    }
    response
        .text()
        .await
        .map_err(|e| LookupError::Unavailable(format!("{service}: body {}", kind_of(&e))))
}

/// What went wrong, without reqwest's message (it quotes the URL, and the
/// URL holds the address).
fn kind_of(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection refused or unreachable"
    } else if e.is_body() || e.is_decode() {
        "unreadable body"
    } else {
        "request failed"
    }
}

/// A JSON body, or `BadResponse` naming the service.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    service: &str,
    body: &str,
) -> Result<T, LookupError> {
    serde_json::from_str(body).map_err(|e| {
        LookupError::BadResponse(format!("{service}: unreadable JSON ({:?})", e.classify()))
    })
}
