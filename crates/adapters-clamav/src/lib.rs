//! ClamAV's clamd as the `VirusScanner` port: `zINSTREAM`, the file in
//! length-prefixed chunks, a zero-length chunk, then one reply line
//! (`stream: OK`, `stream: <signature> FOUND`, or an error).
//!
//! Enabled when `CLAMAV_HOST` is set (`CLAMAV_PORT`, default 3310); the
//! application then scans every upload before keeping it.

use std::time::Duration;

use async_trait::async_trait;
use histologe_ports::{ScanError, ScanVerdict, VirusScanner};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// clamd's default `StreamMaxLength` is 25 MB; chunks stay well below.
const CHUNK: usize = 64 * 1024;
/// The longest reply read (a signature name is short).
const MAX_REPLY: usize = 4096;

/// A clamd reachable over TCP.
#[derive(Debug, Clone)]
pub struct ClamdScanner {
    address: String,
    timeout: Duration,
}

impl ClamdScanner {
    /// `host:port`, with a 30 s limit per scan (connection, upload, verdict).
    pub fn new(host: &str, port: u16) -> Self {
        ClamdScanner {
            address: format!("{host}:{port}"),
            timeout: Duration::from_secs(30),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `Some` when `CLAMAV_HOST` is set; `CLAMAV_PORT` defaults to 3310.
    ///
    /// # Errors
    /// `CLAMAV_PORT` is not a port number (message names the variable).
    pub fn from_env() -> Result<Option<Self>, String> {
        let Some(host) = std::env::var("CLAMAV_HOST")
            .ok()
            .filter(|h| !h.trim().is_empty())
        else {
            return Ok(None);
        };
        let port = match std::env::var("CLAMAV_PORT") {
            Ok(p) if !p.trim().is_empty() => p.trim().parse::<u16>().map_err(|_| {
                format!(
                    "CLAMAV_PORT : « {p} » n'est pas un numéro de port / CLAMAV_PORT: {p:?} is not a port number"
                )
            })?,
            _ => 3310,
        };
        Ok(Some(Self::new(host.trim(), port)))
    }

    async fn exchange(&self, bytes: &[u8]) -> Result<String, ScanError> {
        let io = |e: std::io::Error| ScanError::Unavailable(format!("clamd {}: {e}", self.address));
        let mut stream = TcpStream::connect(&self.address).await.map_err(io)?;
        stream.write_all(b"zINSTREAM\0").await.map_err(io)?;
        for chunk in bytes.chunks(CHUNK) {
            let len = u32::try_from(chunk.len())
                .map_err(|_| ScanError::Unavailable("chunk too large".into()))?;
            stream.write_all(&len.to_be_bytes()).await.map_err(io)?;
            stream.write_all(chunk).await.map_err(io)?;
        }
        stream.write_all(&0u32.to_be_bytes()).await.map_err(io)?;
        stream.flush().await.map_err(io)?;
        let mut reply = Vec::new();
        let mut buf = [0u8; 512];
        loop {
            let n = stream.read(&mut buf).await.map_err(io)?;
            if n == 0 {
                break;
            }
            reply.extend_from_slice(&buf[..n]);
            if reply.contains(&0) || reply.len() > MAX_REPLY {
                break;
            }
        }
        let end = reply.iter().position(|&b| b == 0).unwrap_or(reply.len());
        Ok(String::from_utf8_lossy(&reply[..end]).trim().to_string())
    }
}

/// clamd's reply line as a verdict.
pub fn parse_reply(reply: &str) -> Result<ScanVerdict, ScanError> {
    let body = reply.strip_prefix("stream:").unwrap_or(reply).trim();
    if body == "OK" {
        return Ok(ScanVerdict::Clean);
    }
    if let Some(signature) = body.strip_suffix(" FOUND") {
        return Ok(ScanVerdict::Infected(signature.trim().to_string()));
    }
    Err(ScanError::Unavailable(format!("clamd answered {reply:?}")))
}

#[async_trait]
impl VirusScanner for ClamdScanner {
    async fn scan(&self, bytes: &[u8]) -> Result<ScanVerdict, ScanError> {
        let reply = tokio::time::timeout(self.timeout, self.exchange(bytes))
            .await
            .map_err(|_| ScanError::Unavailable(format!("clamd {}: timeout", self.address)))??;
        parse_reply(&reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_verdicts() {
        assert_eq!(parse_reply("stream: OK"), Ok(ScanVerdict::Clean));
        assert_eq!(
            parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND"),
            Ok(ScanVerdict::Infected("Win.Test.EICAR_HDB-1".into()))
        );
        assert!(parse_reply("INSTREAM size limit exceeded. ERROR").is_err());
        assert!(parse_reply("").is_err());
    }
}
