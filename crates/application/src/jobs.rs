//! Queued jobs: their kinds and payloads (ids only, never personal data),
//! and the runner the worker loops on. A job re-reads the state it needs
//! when it runs. Idempotency keys stop the same job being enqueued twice;
//! a job run again (a worker killed after sending, before completing)
//! finds the e-mails it sent recorded and does not send them again
//! ([`Runner::send`]); only a kill between a send and its record, a few
//! milliseconds, can still send one twice, which is preferred to losing it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use histologe_core::enums::{NotificationType, SuiviCategory};
use histologe_core::ids::{
    AffectationId, DraftId, FileId, JobId, NotificationId, PartnerId, SignalementId, SuiviId,
    UserId,
};
use histologe_core::upload::{FileKind, Variant, variant_key};
use histologe_ports::{
    FileStoreError, IdGenerator, Job, JobKind, MailError, NewJob, OutgoingEmail, RepoError,
    Transaction,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::app::App;
use crate::error::AppError;
use crate::use_cases::export::{BuildExport, DeleteExport};

mod accounts;
mod digest;
mod export;
mod scheduled;
pub use accounts::{EmailAccountLink, EmailLoginCode};
pub use digest::{DigestRun, EmailDigest};
pub use scheduled::{
    EmailActivationReminder, EmailFeedbackRequest, EmailInactiveAccountNotice,
    EmailVisitConclusion, EmailVisitReminder, EmailVisitRequired,
};

/// A payload that knows its job kind.
pub trait JobPayload: Serialize + DeserializeOwned {
    const KIND: &'static str;
    /// Two enqueues with the same key are one job.
    fn idempotency_key(&self) -> Option<String>;
}

/// Enqueues the payload in the caller's transaction.
pub async fn enqueue<P: JobPayload + Sync>(
    tx: &mut dyn Transaction,
    ids: &dyn IdGenerator,
    now: DateTime<Utc>,
    payload: &P,
) -> Result<(), RepoError> {
    let payload_json = serde_json::to_value(payload)
        .map_err(|e| RepoError::Unavailable(format!("job payload: {e}")))?;
    tx.enqueue(&NewJob {
        id: JobId(ids.uuid()),
        kind: JobKind::new(P::KIND),
        payload: payload_json,
        run_at: now,
        idempotency_key: payload.idempotency_key(),
    })
    .await
}

/// E-mail to an agent about an in-app notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailToUser {
    pub notification_id: NotificationId,
    pub user_id: UserId,
    pub signalement_id: SignalementId,
    pub kind: NotificationType,
}

impl JobPayload for EmailToUser {
    const KIND: &'static str = "email.user";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.notification_id))
    }
}

/// Brevo's tag of the agents' e-mail of each notification (§10).
fn agent_tag(kind: NotificationType) -> &'static str {
    match kind {
        NotificationType::NouveauSignalement => "Pro Nouveau Signalement",
        NotificationType::NouvelleAffectation => "Pro Nouvelle affectation",
        NotificationType::NouveauSuivi | NotificationType::SuiviUsager => {
            "Pro Nouveau Suivi Signalement"
        }
        NotificationType::ClotureSignalement => "Pro Cloture Signalement",
        NotificationType::CloturePartenaire => "Pro Cloture Partenaire",
        NotificationType::NouvelAbonnement => "Pro Nouvel Abonnement",
        NotificationType::DemandeAbandonProcedure => "Pro Demande Abandon Procedure",
    }
}

/// E-mail to a partner's generic mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailToPartner {
    pub partner_id: PartnerId,
    pub signalement_id: SignalementId,
    pub kind: NotificationType,
}

impl JobPayload for EmailToPartner {
    const KIND: &'static str = "email.partner";
    fn idempotency_key(&self) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsagerTemplate {
    AccuseReception,
    Validation,
    Refus,
    Cloture,
    NouveauSuivi,
    /// A partner accepted the case: its suivi has no text of its own.
    PriseEnCharge,
}

impl UsagerTemplate {
    pub fn for_suivi(category: SuiviCategory) -> Self {
        match category {
            SuiviCategory::SignalementIsActive => Self::Validation,
            SuiviCategory::SignalementIsRefused => Self::Refus,
            SuiviCategory::SignalementIsClosed => Self::Cloture,
            SuiviCategory::AffectationIsAccepted => Self::PriseEnCharge,
            _ => Self::NouveauSuivi,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::AccuseReception => "accuse_reception",
            Self::Validation => "validation",
            Self::Refus => "refus",
            Self::Cloture => "cloture",
            Self::NouveauSuivi => "nouveau_suivi",
            Self::PriseEnCharge => "prise_en_charge",
        }
    }

    /// Brevo's tag of each usager e-mail (integrations.md §10).
    fn tag(self) -> &'static str {
        match self {
            Self::AccuseReception => "Usager Accusé Reception Signalement",
            Self::Validation => "Usager Validation Signalement",
            Self::Refus => "Usager Refus Signalement",
            Self::Cloture => "Usager Cloture Signalement",
            Self::NouveauSuivi => "Usager Nouveau Suivi Signalement",
            Self::PriseEnCharge => "Usager Prise en charge Signalement",
        }
    }

    /// The first sentence of the e-mail.
    fn lead(self, reference: &str) -> String {
        match self {
            Self::AccuseReception => format!(
                "Votre signalement {reference} a bien été reçu. Il va être examiné par les services \
                 de votre territoire ; vous serez prévenu par e-mail de chaque étape."
            ),
            Self::Validation => format!(
                "Votre signalement {reference} a été validé : il est transmis aux partenaires \
                 qui vont le traiter."
            ),
            Self::Refus => format!("Votre signalement {reference} n'a pas pu être pris en charge."),
            Self::Cloture => format!("Votre signalement {reference} a été clôturé."),
            Self::NouveauSuivi => {
                format!("Un nouveau message a été publié sur votre signalement {reference}.")
            }
            Self::PriseEnCharge => format!(
                "Un partenaire a pris en charge votre signalement {reference} : il va étudier la \
                 situation de votre logement et pourra vous contacter."
            ),
        }
    }

    fn subject(self, reference: &str) -> String {
        match self {
            Self::AccuseReception => format!("Votre signalement {reference} a bien été reçu"),
            Self::Validation => format!("Votre signalement {reference} a été validé"),
            Self::Refus => format!("Votre signalement {reference} n'a pas pu être pris en charge"),
            Self::Cloture => format!("Votre signalement {reference} a été clôturé"),
            Self::NouveauSuivi => format!("Nouveau message sur votre signalement {reference}"),
            Self::PriseEnCharge => format!("Votre signalement {reference} est pris en charge"),
        }
    }
}

/// E-mail to one usager of a case: occupant and declarant each get their
/// own message (neither sees the other's address, and a bad address of one
/// never stops the other's mail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailToUsager {
    pub signalement_id: SignalementId,
    pub side: histologe_core::enums::UsagerSide,
    pub template: UsagerTemplate,
    pub suivi_id: Option<SuiviId>,
}

impl JobPayload for EmailToUsager {
    const KIND: &'static str = "email.usager";
    fn idempotency_key(&self) -> Option<String> {
        let about = self
            .suivi_id
            .map_or_else(|| format!("{:?}", self.template), |s| s.to_string());
        Some(format!(
            "{}:{}:{about}:{}",
            Self::KIND,
            self.signalement_id,
            self.side
        ))
    }
}

/// Queues the e-mail to each usager of the case.
pub(crate) async fn enqueue_usager_emails(
    tx: &mut dyn Transaction,
    ids: &dyn IdGenerator,
    now: DateTime<Utc>,
    signalement_id: SignalementId,
    template: UsagerTemplate,
    suivi_id: Option<SuiviId>,
) -> Result<(), RepoError> {
    for side in histologe_core::enums::UsagerSide::ALL {
        enqueue(
            tx,
            ids,
            now,
            &EmailToUsager {
                signalement_id,
                side: *side,
                template,
                suivi_id,
            },
        )
        .await?;
    }
    Ok(())
}

/// Push of an affectation to the partner's Esabora.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EsaboraPush {
    pub affectation_id: AffectationId,
    pub signalement_id: SignalementId,
}

impl JobPayload for EsaboraPush {
    const KIND: &'static str = "interconnection.esabora_push";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.affectation_id))
    }
}

/// The resized copy and the thumbnail of a photo, stored next to its
/// original (which is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MakeFileVariants {
    pub file_id: FileId,
}

impl JobPayload for MakeFileVariants {
    const KIND: &'static str = "files.variants";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.file_id))
    }
}

/// E-mail with the personal link that resumes a draft of the public form.
/// The one payload carrying an address: the link goes where the declarant
/// asked at that moment, even if the draft's address changes afterwards.
/// No idempotency key: each request is a new e-mail (requests are
/// rate-limited by `App::send_draft_link`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailDraftLink {
    pub draft_id: DraftId,
    pub email: String,
}

impl JobPayload for EmailDraftLink {
    const KIND: &'static str = "email.draft_link";
    fn idempotency_key(&self) -> Option<String> {
        None
    }
}

/// Locates a new signalement from its address, then routes it when it was
/// waiting for the point (`route`): `use_cases::geocoding`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeocodeSignalement {
    pub signalement_id: SignalementId,
    pub route: bool,
}

impl JobPayload for GeocodeSignalement {
    const KIND: &'static str = "geocode.signalement";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.signalement_id))
    }
}

/// Attempts of a geocoding job before the case is routed without its
/// point (1 + 2 + 4 + 8 minutes of retries): a case must not wait a day
/// for an address service, an agent can place it by hand.
pub const GEOCODE_ATTEMPTS: u32 = 5;

/// After this many attempts (about 20 hours of retries with the backoff
/// below) a job is dead and shown to administrators.
pub const MAX_ATTEMPTS: u32 = 12;
/// How long a claimed job is reserved before another worker may take it.
pub const LEASE: Duration = Duration::from_secs(300);

/// Exponential backoff: 1, 2, 4… minutes, at most 6 hours.
pub fn backoff(attempts: u32) -> chrono::Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(9);
    chrono::Duration::minutes(minutes.min(360))
}

/// The key under which a job records an e-mail it sent (and the mail
/// provider's message id): the job, and a hash of the template and the
/// recipients (addresses are personal data).
pub fn sent_mail_key(job: JobId, template: &str, to: &[String]) -> String {
    use sha2::Digest;
    let digest =
        sha2::Sha256::digest(format!("{template}\n{}", to.join(",").to_lowercase()).as_bytes());
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("mail:{job}:{hex}")
}

/// What happened to a claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    Done(JobId),
    Retry(JobId),
    Dead(JobId),
    /// Its claim was lost (the lease expired and another worker took it):
    /// that worker finishes it.
    Lost(JobId),
}

/// Why a handler failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth retrying (network, provider down).
    Transient(String),
    /// Worth retrying, not before `retry_after` (the provider's rate limit
    /// said when).
    Throttled {
        message: String,
        retry_after: Duration,
    },
    /// Retrying cannot help (address rejected, payload unreadable).
    Permanent(String),
}

/// Job kinds handled by the process running the worker rather than by the
/// application: the runtime's `scheduled.run` (one tick of a scheduled
/// task) and `ops.probe` (which waits, and the application has no async
/// runtime of its own to wait with).
#[async_trait::async_trait]
pub trait ProcessJobs: Send + Sync {
    /// Whether `kind` is one of these.
    fn handles(&self, kind: &str) -> bool;
    /// Runs the job; e-mails go through [`Runner::send`], which never sends
    /// twice for one job.
    async fn run(&self, runner: &Runner, job: &Job) -> Result<(), Failure>;
}

/// The worker's loop body: claims one due job and runs it.
#[derive(Clone)]
pub struct Runner {
    app: App,
    /// Base of the links put in e-mails, e.g. `https://signal-logement.fr`.
    base_url: String,
    /// The name and site the e-mails give.
    platform: histologe_emails::Platform,
    lease: Duration,
    process_jobs: Option<Arc<dyn ProcessJobs>>,
    /// The job being run by this clone (see [`Runner::run`]): the key of
    /// the effects it records.
    current: Option<JobId>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("base_url", &self.base_url)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// A runner of `app`'s jobs, its e-mails linking to `base_url`, each
    /// claim reserved for [`LEASE`].
    pub fn new(app: App, base_url: impl Into<String>) -> Self {
        let base_url: String = base_url.into();
        Runner {
            app,
            platform: histologe_emails::Platform::new(
                histologe_emails::DEFAULT_PLATFORM_NAME,
                base_url.clone(),
            ),
            base_url,
            lease: LEASE,
            process_jobs: None,
            current: None,
        }
    }

    /// The platform's name in the e-mails (`HISTOLOGE_PLATFORM_NAME`).
    pub fn with_platform_name(mut self, name: impl Into<String>) -> Self {
        self.platform = histologe_emails::Platform::new(name, self.base_url.clone());
        self
    }

    /// The name and site the e-mails give.
    pub fn platform(&self) -> &histologe_emails::Platform {
        &self.platform
    }

    /// Renders `message` and sends it to `to` ([`Runner::send`]).
    pub async fn send_message(
        &self,
        to: Vec<String>,
        message: histologe_emails::Message,
    ) -> Result<(), Failure> {
        let rendered = message.render(&self.platform).map_err(|e| {
            Failure::Permanent(format!("e-mail {} did not render: {e}", message.template))
        })?;
        self.send(OutgoingEmail {
            to,
            subject: rendered.subject,
            text: rendered.text,
            html: Some(rendered.html),
            template: rendered.template,
            tag: rendered.tag.to_string(),
            attachments: Vec::new(),
        })
        .await
    }

    /// Another reservation time for each claim.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Kinds the process handles itself.
    pub fn with_process_jobs(mut self, jobs: Arc<dyn ProcessJobs>) -> Self {
        self.process_jobs = Some(jobs);
        self
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// Claims the oldest due job, `None` when there is nothing to do.
    pub async fn claim(&self) -> Result<Option<Job>, AppError> {
        let now = self.app.ports.clock.now();
        Ok(self.app.ports.jobs.claim(now, self.lease).await?)
    }

    /// Runs a claimed job and records how it ended. A dead job is logged
    /// at `error` with its kind and id (never its payload).
    pub async fn run(&self, job: Job) -> Result<RunOutcome, AppError> {
        let mut this = self.clone();
        this.current = Some(job.id);
        let result = this.handle(&job).await;
        self.record(&job, result).await
    }

    /// Records a run that panicked as a transient failure: retried with
    /// backoff, then dead, so that a job that always panics ends up in
    /// front of an administrator instead of looping.
    pub async fn record_panic(&self, job: &Job) -> Result<RunOutcome, AppError> {
        self.record(job, Err(Failure::Transient("the job panicked".into())))
            .await
    }

    async fn record(&self, job: &Job, result: Result<(), Failure>) -> Result<RunOutcome, AppError> {
        let ports = &self.app.ports;
        let now = ports.clock.now();
        let recorded = match &result {
            Ok(()) => ports.jobs.complete(job).await,
            Err(Failure::Transient(e)) if job.attempts < MAX_ATTEMPTS => {
                ports
                    .jobs
                    .fail(job, e, Some(now + backoff(job.attempts)))
                    .await
            }
            Err(Failure::Throttled {
                message,
                retry_after,
            }) if job.attempts < MAX_ATTEMPTS => {
                let asked =
                    chrono::Duration::from_std(*retry_after).unwrap_or(chrono::Duration::MAX);
                let wait = backoff(job.attempts).max(asked.min(chrono::Duration::hours(6)));
                ports.jobs.fail(job, message, Some(now + wait)).await
            }
            Err(
                Failure::Transient(e)
                | Failure::Permanent(e)
                | Failure::Throttled { message: e, .. },
            ) => ports.jobs.fail(job, e, None).await,
        };
        match recorded {
            Err(RepoError::Conflict) => {
                tracing::warn!(job.kind = job.kind.as_str(), job.id = %job.id, "job claim lost: another worker has it");
                return Ok(RunOutcome::Lost(job.id));
            }
            other => other?,
        }
        Ok(match result {
            Ok(()) => RunOutcome::Done(job.id),
            Err(Failure::Transient(e) | Failure::Throttled { message: e, .. })
                if job.attempts < MAX_ATTEMPTS =>
            {
                tracing::warn!(job.kind = job.kind.as_str(), job.id = %job.id, job.attempts = job.attempts, error = %e, "job failed, retried later");
                RunOutcome::Retry(job.id)
            }
            Err(
                Failure::Transient(e)
                | Failure::Permanent(e)
                | Failure::Throttled { message: e, .. },
            ) => {
                tracing::error!(job.kind = job.kind.as_str(), job.id = %job.id, job.attempts = job.attempts, error = %e, "job dead: an administrator may retry it");
                RunOutcome::Dead(job.id)
            }
        })
    }

    /// Gives a claimed job back unrun (a worker stopping before it could
    /// finish it): due again at once, the attempt not counted.
    pub async fn release(&self, job: &Job) -> Result<(), AppError> {
        Ok(self.app.ports.jobs.release(job).await?)
    }

    /// Runs one due job; `None` when there is nothing to do.
    pub async fn run_once(&self) -> Result<Option<RunOutcome>, AppError> {
        match self.claim().await? {
            Some(job) => Ok(Some(self.run(job).await?)),
            None => Ok(None),
        }
    }

    /// Runs due jobs until none is left (the worker's `--once`, and tests).
    pub async fn drain(&self) -> Result<Vec<RunOutcome>, AppError> {
        let mut outcomes = Vec::new();
        while let Some(outcome) = self.run_once().await? {
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    async fn handle(&self, job: &Job) -> Result<(), Failure> {
        fn payload<P: JobPayload>(job: &Job) -> Result<P, Failure> {
            serde_json::from_value(job.payload.clone())
                // serde's message quotes the offending value, which may be an
                // address: the log and the queue page get the kind of error only.
                .map_err(|e| Failure::Permanent(format!("unreadable payload ({:?})", e.classify())))
        }
        match job.kind.as_str() {
            EmailToUser::KIND => self.email_user(payload(job)?).await,
            EmailToPartner::KIND => self.email_partner(payload(job)?).await,
            EmailToUsager::KIND => self.email_usager(payload(job)?).await,
            MakeFileVariants::KIND => self.file_variants(payload(job)?).await,
            EmailDraftLink::KIND => self.email_draft_link(payload(job)?).await,
            GeocodeSignalement::KIND => self.geocode(payload(job)?, job.attempts).await,
            kind if self
                .process_jobs
                .as_ref()
                .is_some_and(|jobs| jobs.handles(kind)) =>
            {
                match &self.process_jobs {
                    Some(jobs) => jobs.run(self, job).await,
                    None => Ok(()),
                }
            }
            EmailAccountLink::KIND => self.email_account_link(payload(job)?).await,
            EmailLoginCode::KIND => self.email_login_code(payload(job)?).await,
            DigestRun::KIND => self.digest_run(payload(job)?).await,
            EmailDigest::KIND => self.email_digest(payload(job)?).await,
            BuildExport::KIND => self.build_export(payload(job)?).await,
            DeleteExport::KIND => self.delete_export(payload(job)?).await,
            EmailActivationReminder::KIND => self.email_activation_reminder(payload(job)?).await,
            EmailInactiveAccountNotice::KIND => {
                self.email_inactive_account_notice(payload(job)?).await
            }
            EmailFeedbackRequest::KIND => self.email_feedback_request(payload(job)?).await,
            EmailVisitReminder::KIND => self.email_visit_reminder(payload(job)?).await,
            EmailVisitConclusion::KIND => self.email_visit_conclusion(payload(job)?).await,
            EmailVisitRequired::KIND => self.email_visit_required(payload(job)?).await,
            // The Esabora adapter arrives with its issue; until then the
            // job stays visible as dead rather than silently dropped.
            other => Err(Failure::Permanent(format!(
                "no handler for job kind {other}"
            ))),
        }
    }

    /// The record of an e-mail of the running job: its id, and a hash of
    /// the template and the recipients (addresses are personal data).
    fn effect_key(&self, template: &str, to: &[String]) -> Option<String> {
        self.current.map(|job| sent_mail_key(job, template, to))
    }

    /// Whether the running job already sent this e-mail: a handler whose
    /// e-mail carries what it creates (a login code) asks first, so that a
    /// re-run does not replace what was sent by something never sent.
    pub async fn already_sent(&self, template: &str, to: &[String]) -> Result<bool, Failure> {
        match self.effect_key(template, to) {
            Some(key) => self
                .app
                .ports
                .jobs
                .effect_recorded(&key)
                .await
                .map_err(|e| Failure::Transient(e.to_string())),
            None => Ok(false),
        }
    }

    /// Sends `email` unless this job already sent it: a job run again
    /// (its worker killed after the send, before the job was marked done)
    /// finds the send recorded under the job's id and the recipients, and
    /// does not repeat it. Only a kill between the send and its record,
    /// a few milliseconds, can still send twice: twice rather than lost.
    pub async fn send(&self, email: OutgoingEmail) -> Result<(), Failure> {
        if email.to.is_empty() {
            return Ok(());
        }
        let jobs = &self.app.ports.jobs;
        let key = self.effect_key(&email.template, &email.to);
        if self.already_sent(&email.template, &email.to).await? {
            return Ok(());
        }
        let sent = self.app.ports.mailer.send(&email).await;
        if let Err(MailError::InvalidRecipient(reason)) = &sent {
            self.mark_undeliverable(&email.to, reason).await;
        }
        let message_id = sent.map_err(|e| match e {
                MailError::InvalidRecipient(m) | MailError::Rejected(m) => Failure::Permanent(m),
                MailError::Misconfigured(m) => {
                    tracing::error!(error = %m, "the mail transport refuses our credentials: no e-mail leaves until it is fixed");
                    Failure::Transient(m)
                }
                MailError::Unavailable {
                    message,
                    retry_after: Some(retry_after),
                } => Failure::Throttled {
                    message,
                    retry_after,
                },
                MailError::Unavailable { message, .. } => Failure::Transient(message),
            })?;
        if let Some(key) = &key {
            let now = self.app.ports.clock.now();
            if let Err(e) = jobs.record_effect(key, now, Some(message_id)).await {
                // Sent: failing the job now would send it again.
                tracing::warn!(error = %e, "e-mail sent but its record failed: a re-run could send it again");
            }
        }
        Ok(())
    }

    /// The provider refused the address: the accounts that have it show
    /// it as undeliverable, as a bounce reported by the webhook would.
    /// With several recipients the provider does not say which one, so
    /// nobody is marked (the job's error says what happened).
    async fn mark_undeliverable(&self, to: &[String], reason: &str) {
        let [address] = to else {
            return;
        };
        let now = self.app.ports.clock.now();
        let event = histologe_ports::DeliveryEvent {
            key: None,
            email: address.trim().to_lowercase(),
            event: "invalid_email".to_string(),
            reason: Some(reason.to_string()),
            failure: true,
            occurred_at: now,
        };
        if let Err(e) = self
            .app
            .ports
            .delivery_issues
            .apply_delivery_event(&event, now)
            .await
        {
            tracing::warn!(error = %e, "an address refused by the mail provider could not be marked");
        }
    }

    async fn case(&self, id: SignalementId) -> Result<Option<histologe_core::Case>, Failure> {
        self.app
            .ports
            .signalements
            .case(id)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))
    }

    async fn email_user(&self, p: EmailToUser) -> Result<(), Failure> {
        let users = &self.app.ports.users;
        let user = users
            .get(p.user_id)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let (Some(user), Some(case)) = (user, self.case(p.signalement_id).await?) else {
            return Ok(()); // gone since: nothing to say
        };
        if !user.is_active() || !user.is_mailing_active {
            return Ok(());
        }
        let reference = case.signalement.displayed_reference();
        let link = self
            .platform
            .url(&format!("/bo/signalements/{}", case.signalement.id));
        let message = histologe_emails::Message::new(
            p.kind.as_str().to_lowercase(),
            agent_tag(p.kind),
            format!("[{reference}] {}", p.kind.label()),
        )
        .hello(&user.prenom)
        .text(format!(
            "{} sur le signalement {reference}.",
            p.kind.label()
        ))
        .button("Consulter le signalement", link)
        .note(format!(
            "Vous recevez cet e-mail parce que vous suivez ce signalement. Vos préférences : {}",
            self.platform.url("/bo/mon-compte/notifications")
        ));
        self.send_message(vec![user.email.clone()], message).await
    }

    async fn email_partner(&self, p: EmailToPartner) -> Result<(), Failure> {
        let partner = self
            .app
            .ports
            .partners
            .get(p.partner_id)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let (Some(partner), Some(case)) = (partner, self.case(p.signalement_id).await?) else {
            return Ok(());
        };
        let Some(address) = partner.notifiable_email().map(str::to_string) else {
            return Ok(());
        };
        let reference = case.signalement.displayed_reference();
        let link = self
            .platform
            .url(&format!("/bo/signalements/{}", case.signalement.id));
        let message = histologe_emails::Message::new(
            format!("partner_{}", p.kind.as_str().to_lowercase()),
            agent_tag(p.kind),
            format!("[{reference}] {}", p.kind.label()),
        )
        .text(format!(
            "{} pour {} sur le signalement {reference}.",
            p.kind.label(),
            partner.nom
        ))
        .button("Consulter le signalement", link)
        .note("Cet e-mail est envoyé à l'adresse générique de votre structure.");
        self.send_message(vec![address], message).await
    }

    /// A deleted file or a non-image has nothing to do; a store that is
    /// down is retried; an undecodable image is not.
    async fn file_variants(&self, p: MakeFileVariants) -> Result<(), Failure> {
        let ports = &self.app.ports;
        let meta = ports
            .files
            .get(p.file_id)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let Some(meta) = meta else {
            return Ok(());
        };
        if !FileKind::from_extension(&meta.extension).is_some_and(FileKind::is_image) {
            return Ok(());
        }
        let store_failure = |e: FileStoreError| match e {
            FileStoreError::NotFound(k) => Failure::Permanent(format!("original missing: {k}")),
            other => Failure::Transient(other.to_string()),
        };
        let original = ports
            .file_store
            .get(&meta.storage_key)
            .await
            .map_err(store_failure)?;
        let variants = ports
            .images
            .variants(&original)
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        for (variant, bytes) in [
            (Variant::Resized, variants.resized),
            (Variant::Thumbnail, variants.thumbnail),
        ] {
            ports
                .file_store
                .put(
                    &variant_key(&meta.storage_key, variant),
                    bytes,
                    "image/jpeg",
                )
                .await
                .map_err(store_failure)?;
        }
        Ok(())
    }

    /// A draft gone or sent since has nothing left to resume: no e-mail.
    async fn geocode(&self, p: GeocodeSignalement, attempts: u32) -> Result<(), Failure> {
        use crate::use_cases::geocoding::Located;
        let give_up = attempts >= GEOCODE_ATTEMPTS;
        let failure = match self
            .app
            .geocode_signalement(p.signalement_id, p.route, give_up)
            .await
        {
            Ok(Located::Retry(e)) if !give_up => return Err(Failure::Transient(e)),
            Ok(Located::Retry(e)) => e,
            Ok(_) => return Ok(()),
            Err(e) if !give_up => return Err(Failure::Transient(e.to_string())),
            Err(e) => e.to_string(),
        };
        // The submission left the routing to this job: whatever went
        // wrong, on its last attempt the case reaches a human (the rules
        // stop on the missing point and the admins are asked).
        tracing::error!(signalement = %p.signalement_id, error = %failure, "geocoding failed for good: the case is routed by hand");
        if p.route {
            self.app
                .auto_affect(p.signalement_id)
                .await
                .map_err(|e| Failure::Transient(e.to_string()))?;
        }
        Ok(())
    }

    async fn email_draft_link(&self, p: EmailDraftLink) -> Result<(), Failure> {
        let draft = self
            .app
            .ports
            .drafts
            .get(p.draft_id)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        if !draft.is_some_and(|d| d.is_editable()) {
            return Ok(());
        }
        let link = self
            .platform
            .url(&format!("/signalement/brouillon/{}", p.draft_id));
        let message = histologe_emails::Message::new(
            "draft_link",
            "Usager Reprise Brouillon",
            "Reprendre votre signalement",
        )
        .text(
            "Vous avez commencé un signalement sur un logement. Ce que vous avez saisi est enregistré : \
             pour reprendre votre signalement là où vous l'avez laissé, ouvrez ce lien.",
        )
        .button("Reprendre mon signalement", link)
        .note(
            "Ce lien est personnel : il donne accès à ce que vous avez saisi, ne le transmettez à personne. \
             Si vous n'avez pas demandé ce message, vous pouvez l'ignorer.",
        );
        self.send_message(vec![p.email], message).await
    }

    /// Never to a vacant dwelling's usagers (§1.1).
    async fn email_usager(&self, p: EmailToUsager) -> Result<(), Failure> {
        let Some(case) = self.case(p.signalement_id).await? else {
            return Ok(());
        };
        let s = &case.signalement;
        if s.is_logement_vacant() {
            return Ok(());
        }
        let address = match p.side {
            histologe_core::enums::UsagerSide::Occupant => s.occupant.email.clone(),
            histologe_core::enums::UsagerSide::Declarant => s.declarant.email.clone(),
        };
        let Some(address) = address else {
            return Ok(());
        };
        let reference = s.displayed_reference();
        let suivi = p
            .suivi_id
            .and_then(|id| case.suivis.iter().find(|x| x.id == id))
            .map(|x| x.description.trim().to_string())
            .filter(|d| !d.is_empty());
        // "Nouveau message" with no message says nothing: not sent.
        if p.template == UsagerTemplate::NouveauSuivi && suivi.is_none() {
            return Ok(());
        }
        let link = self
            .platform
            .url(&format!("/suivre-mon-signalement/{}", s.code_suivi));
        let mut message = histologe_emails::Message::new(
            format!("usager_{}", p.template.name()),
            p.template.tag(),
            p.template.subject(&reference),
        )
        .text(p.template.lead(&reference));
        if let Some(text) = suivi {
            message = message.quote("Message :", text);
        }
        let message = message
            .button("Suivre mon dossier", link)
            .note("Ce lien est personnel : il ouvre votre dossier, ne le transmettez à personne.");
        self.send_message(vec![address], message).await
    }
}
