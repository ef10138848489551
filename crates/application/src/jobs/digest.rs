//! The daily digest's jobs (docs/decisions/0026-daily-digest.md).
//!
//! - `digest.run` (one per day, key `digest:<date>`): queues one
//!   `email.digest` per user with notifications waiting for the digest.
//! - `email.digest` (key `digest:<user>:<date>`): reads the user's waiting
//!   notifications, sends ONE e-mail listing them by signalement, and only
//!   once the send succeeded clears the flag of exactly those it read: one
//!   arriving meanwhile waits for the next digest. A failed send leaves
//!   every flag as it was; the job machinery retries it.

use std::collections::HashMap;

use chrono::NaiveDate;
use histologe_core::ids::{NotificationId, SignalementId, UserId};
use histologe_core::model::{Notification, User};
use histologe_core::{Action, Actor, Resource, can};
use serde::{Deserialize, Serialize};

use super::{Failure, JobPayload, Runner, enqueue};

/// The day's digest: queues each user's e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestRun {
    /// The day, in the schedule's time zone.
    pub date: NaiveDate,
}

impl JobPayload for DigestRun {
    const KIND: &'static str = "digest.run";
    /// Every process's clock enqueues it: the key makes them one job.
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("digest:{}", self.date))
    }
}

/// One user's digest of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailDigest {
    pub user_id: UserId,
    pub date: NaiveDate,
}

impl JobPayload for EmailDigest {
    const KIND: &'static str = "email.digest";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("digest:{}:{}", self.user_id, self.date))
    }
}

fn transient(e: impl std::fmt::Display) -> Failure {
    Failure::Transient(e.to_string())
}

/// Who reads a digest: an active account with e-mails on. Someone who
/// switched to one e-mail per event since still gets what was waiting.
fn receives_digest(user: &User) -> bool {
    user.is_active() && user.is_mailing_active
}

impl Runner {
    pub(super) async fn digest_run(&self, p: DigestRun) -> Result<(), Failure> {
        let ports = &self.app.ports;
        let now = ports.clock.now();
        let waiting = ports
            .notifications
            .users_awaiting_summary()
            .await
            .map_err(transient)?;
        let mut tx = ports.uow.begin().await.map_err(transient)?;
        let mut cleared = Vec::new();
        for user_id in waiting {
            let user = ports.users.get(user_id).await.map_err(transient)?;
            if user.as_ref().is_some_and(receives_digest) {
                enqueue(
                    tx.as_mut(),
                    ports.ids.as_ref(),
                    now,
                    &EmailDigest {
                        user_id,
                        date: p.date,
                    },
                )
                .await
                .map_err(transient)?;
            } else {
                // Archived, inactive or e-mails turned off: no digest, and
                // the flags are cleared all the same, or they would pile up
                // for months and land in one e-mail the day he turns
                // e-mails back on.
                cleared.push(user_id);
            }
        }
        tx.commit().await.map_err(transient)?;
        // After the commit: SQLite has one writer, which the open
        // transaction held (a write beside it waited, then failed).
        for user_id in cleared {
            self.clear_waiting(user_id, None).await?;
        }
        Ok(())
    }

    /// Clears the user's waiting flags: those of `listed`, or all of them.
    async fn clear_waiting(
        &self,
        user_id: UserId,
        listed: Option<&[NotificationId]>,
    ) -> Result<(), Failure> {
        let notifications = &self.app.ports.notifications;
        let all: Vec<NotificationId>;
        let ids = match listed {
            Some(ids) => ids,
            None => {
                all = notifications
                    .awaiting_summary_of(user_id)
                    .await
                    .map_err(transient)?
                    .iter()
                    .map(|n| n.id)
                    .collect();
                &all
            }
        };
        notifications
            .clear_awaiting_summary(user_id, ids)
            .await
            .map_err(transient)?;
        Ok(())
    }

    pub(super) async fn email_digest(&self, p: EmailDigest) -> Result<(), Failure> {
        let ports = &self.app.ports;
        let Some(user) = ports.users.get(p.user_id).await.map_err(transient)? else {
            return Ok(());
        };
        let waiting = ports
            .notifications
            .awaiting_summary_of(user.id)
            .await
            .map_err(transient)?;
        if waiting.is_empty() {
            // A digest of this day or a later one already listed them.
            return Ok(());
        }
        let listed: Vec<NotificationId> = waiting.iter().map(|n| n.id).collect();
        // Turned e-mails off, or archived, since `digest.run`.
        let Some(actor) = Actor::from_user(&user).filter(|_| receives_digest(&user)) else {
            return self.clear_waiting(user.id, Some(&listed)).await;
        };
        let mut sections = Vec::new();
        // What the e-mail lists, which is what its intro counts.
        let mut shown = 0;
        for (signalement, notes) in by_signalement(&waiting) {
            match signalement {
                Some(id) => {
                    // A case deleted since, or one he no longer sees, is
                    // left out of the e-mail (its flags are cleared with
                    // the rest: nothing would ever list them).
                    let case = self.case(id).await?.filter(|case| {
                        can(&actor, Action::ViewSignalement, Resource::Signalement(case)).is_ok()
                    });
                    if let Some(case) = case {
                        sections.push(self.case_section(&case, &notes));
                        shown += notes.len();
                    }
                }
                None => {
                    sections.push((
                        "Autres notifications".to_string(),
                        self.event_lines(&notes),
                        None,
                    ));
                    shown += notes.len();
                }
            }
        }
        if !sections.is_empty() {
            let count = shown;
            let intro = if count == 1 {
                "Voici la notification reçue depuis votre dernier récapitulatif.".to_string()
            } else {
                format!(
                    "Voici les {count} notifications reçues depuis votre dernier récapitulatif."
                )
            };
            let platform = self.platform();
            let mut message = histologe_emails::Message::new(
                "notifications_summary",
                "Pro Récap",
                format!("Récapitulatif d'activité sur {}", platform.name()),
            )
            .hello(&user.prenom)
            .text(intro);
            for (heading, lines, link) in sections {
                message = message.section(heading, lines, link);
            }
            let message = message
                .button(
                    "Voir toutes mes notifications",
                    platform.url("/bo/notifications"),
                )
                .note(format!(
                    "Vous recevez ce récapitulatif une fois par jour. Pour recevoir un e-mail à \
                     chaque événement, ou aucun : {}",
                    platform.url("/bo/mon-compte/notifications")
                ));
            self.send_message(vec![user.email.clone()], message).await?;
        }
        self.clear_waiting(user.id, Some(&listed)).await
    }

    /// One signalement's block: its reference and address, what happened
    /// (the labels of the per-event e-mails) and the link to it.
    fn case_section(&self, case: &histologe_core::Case, notes: &[&Notification]) -> DigestSection {
        let s = &case.signalement;
        let commune = format!(
            "{} {}",
            s.adresse.code_postal.trim(),
            s.adresse.ville.trim()
        );
        let place: Vec<&str> = [s.adresse.adresse.trim(), commune.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect();
        let mut heading = format!("Signalement {}", s.displayed_reference());
        if !place.is_empty() {
            heading = format!("{heading} — {}", place.join(", "));
        }
        let link = self.platform().url(&format!("/bo/signalements/{}", s.id));
        (
            heading,
            self.event_lines(notes),
            Some(("Consultez-le".to_string(), link)),
        )
    }

    fn event_lines(&self, notes: &[&Notification]) -> Vec<String> {
        notes
            .iter()
            .map(|n| format!("{} : {}", self.when(n), n.notification_type.label()))
            .collect()
    }

    /// "le 10/03/2026 à 11:00", in the digest's time zone.
    fn when(&self, n: &Notification) -> String {
        self.app
            .digest_schedule()
            .local(n.created_at)
            .format("le %d/%m/%Y à %H:%M")
            .to_string()
    }
}

/// One case's block of the digest: heading, events, link.
type DigestSection = (String, Vec<String>, Option<(String, String)>);

/// The notifications grouped by signalement, groups in the order of their
/// oldest notification, each group oldest first (as `waiting` is).
fn by_signalement(waiting: &[Notification]) -> Vec<(Option<SignalementId>, Vec<&Notification>)> {
    let mut groups: Vec<(Option<SignalementId>, Vec<&Notification>)> = Vec::new();
    let mut at: HashMap<Option<SignalementId>, usize> = HashMap::new();
    for n in waiting {
        let index = *at.entry(n.signalement_id).or_insert_with(|| {
            groups.push((n.signalement_id, Vec::new()));
            groups.len() - 1
        });
        groups[index].1.push(n);
    }
    groups
}
