//! The local outbox: one JSON file per e-mail, written atomically (temporary
//! file then rename) so a reader never sees half an e-mail.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_ports::{MailError, MailOutbox, Mailer, OutboxEntry, OutgoingEmail};
use serde::{Deserialize, Serialize};

/// An e-mail as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEmail {
    pub id: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub template: String,
    /// Absent from the files of older versions.
    #[serde(default)]
    pub tag: String,
}

impl StoredEmail {
    /// When it was written: the id starts with the nanoseconds since the
    /// epoch (see `send`).
    pub fn sent_at(&self) -> DateTime<Utc> {
        let nanos = self
            .id
            .split('-')
            .next()
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or_default();
        DateTime::from_timestamp_nanos(nanos)
    }

    fn entry(self) -> OutboxEntry {
        OutboxEntry {
            sent_at: self.sent_at(),
            id: self.id,
            to: self.to,
            subject: self.subject,
            text: self.text,
            html: self.html,
            template: self.template,
            tag: self.tag,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutboxMailer { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every e-mail of the outbox, oldest first.
    pub async fn list(&self) -> std::io::Result<Vec<StoredEmail>> {
        let mut names = Vec::new();
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                names.push(name);
            }
        }
        names.sort();
        let mut emails = Vec::with_capacity(names.len());
        for name in names {
            let bytes = tokio::fs::read(self.dir.join(&name)).await?;
            match serde_json::from_slice(&bytes) {
                Ok(email) => emails.push(email),
                // A file someone dropped there by hand is not ours to read.
                Err(_) => continue,
            }
        }
        Ok(emails)
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        // Nanoseconds since the epoch first, so names sort by sending order.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let id = format!("{nanos:020}-{}", uuid::Uuid::new_v4().simple());
        let stored = StoredEmail {
            id: id.clone(),
            to: email.to.clone(),
            subject: email.subject.clone(),
            text: email.text.clone(),
            html: email.html.clone(),
            template: email.template.clone(),
            tag: email.tag.clone(),
        };
        let unavailable = |e: std::io::Error| MailError::unavailable(format!("outbox: {e}"));
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(unavailable)?;
        let json = serde_json::to_vec_pretty(&stored)
            .map_err(|e| MailError::Rejected(format!("outbox: {e}")))?;
        let tmp = self.dir.join(format!(".{id}.tmp"));
        tokio::fs::write(&tmp, json).await.map_err(unavailable)?;
        tokio::fs::rename(&tmp, self.dir.join(format!("{id}.json")))
            .await
            .map_err(unavailable)?;
        Ok(id)
    }

    fn outbox(&self) -> Option<Arc<dyn MailOutbox>> {
        Some(Arc::new(self.clone()))
    }
}

#[async_trait]
impl MailOutbox for OutboxMailer {
    async fn recent(&self, limit: usize) -> Result<Vec<OutboxEntry>, MailError> {
        let all = self
            .list()
            .await
            .map_err(|e| MailError::unavailable(format!("outbox: {e}")))?;
        Ok(all
            .into_iter()
            .rev()
            .take(limit)
            .map(StoredEmail::entry)
            .collect())
    }

    async fn entry(&self, id: &str) -> Result<Option<OutboxEntry>, MailError> {
        // The id names the file: anything but its own characters could
        // climb out of the directory.
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Ok(None);
        }
        let bytes = match tokio::fs::read(self.dir.join(format!("{id}.json"))).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(MailError::unavailable(format!("outbox: {e}"))),
        };
        Ok(serde_json::from_slice::<StoredEmail>(&bytes)
            .ok()
            .map(StoredEmail::entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(subject: &str) -> OutgoingEmail {
        OutgoingEmail {
            to: vec!["occupant@example.test".into()],
            subject: subject.into(),
            text: "Votre signalement a bien été enregistré.".into(),
            html: None,
            template: "accuse_reception".into(),
            ..OutgoingEmail::default()
        }
    }

    #[tokio::test]
    async fn sent_emails_are_listed_in_order_with_their_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = OutboxMailer::new(dir.path().join("outbox"));
        assert_eq!(outbox.list().await.expect("list"), Vec::new());
        let first = outbox.send(&email("Premier")).await.expect("send");
        let second = outbox.send(&email("Second")).await.expect("send");
        let listed = outbox.list().await.expect("list");
        assert_eq!(
            listed.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            [first.as_str(), second.as_str()]
        );
        assert_eq!(listed[0].subject, "Premier");
        assert_eq!(listed[1].to, ["occupant@example.test"]);
        assert_eq!(listed[1].text, "Votre signalement a bien été enregistré.");
    }

    #[tokio::test]
    async fn the_outbox_reads_newest_first_and_refuses_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = OutboxMailer::new(dir.path().join("outbox"));
        let before = Utc::now() - chrono::Duration::seconds(1);
        let first = outbox.send(&email("Premier")).await.expect("send");
        let second = outbox.send(&email("Second")).await.expect("send");
        let recent = outbox.recent(10).await.expect("recent");
        assert_eq!(
            recent
                .iter()
                .map(|e| e.subject.as_str())
                .collect::<Vec<_>>(),
            ["Second", "Premier"]
        );
        assert!(recent[0].sent_at >= before && recent[0].sent_at <= Utc::now());
        assert_eq!(outbox.recent(1).await.expect("recent")[0].id, second);
        let one = outbox.entry(&first).await.expect("entry").expect("found");
        assert_eq!(one.subject, "Premier");
        assert_eq!(outbox.entry("../../etc/passwd").await.expect("entry"), None);
        assert_eq!(outbox.entry("absent").await.expect("entry"), None);
        assert!(outbox.outbox().is_some());
    }

    #[tokio::test]
    async fn an_unwritable_outbox_is_a_transient_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").expect("write");
        let outbox = OutboxMailer::new(&file);
        assert!(matches!(
            outbox.send(&email("x")).await,
            Err(MailError::Unavailable { .. })
        ));
    }
}
