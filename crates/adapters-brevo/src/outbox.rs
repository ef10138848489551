//! The local outbox: one JSON file per e-mail, written atomically (temporary
//! file then rename) so a reader never sees half an e-mail.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use histologe_ports::{MailError, Mailer, OutgoingEmail};
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
