use histologe_core::DomainError;
use histologe_core::policy::Refusal;
use histologe_ports::RepoError;
use thiserror::Error;

/// Why a use case did not happen.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AppError {
    /// Refused by the policy, invalid input, or impossible transition.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The thing asked for does not exist. Callers answer exactly as for
    /// `Refusal::OutOfScope`, so that existence is not revealed.
    #[error("{0} introuvable")]
    NotFound(&'static str),
    /// Too many attempts (identity check, login): try again later.
    #[error("Trop de tentatives. Réessayez dans quelques minutes.")]
    TooManyAttempts,
    /// Login refused: unknown e-mail, wrong password or inactive account
    /// all get this same answer, so that the page reveals no account.
    #[error("Identifiants incorrects.")]
    BadCredentials,
    /// The password was right, and this account also needs the code
    /// e-mailed at login (super admins): use `App::sign_in`.
    #[error("Un code de connexion envoyé par e-mail est nécessaire.")]
    LoginCodeRequired,
    /// An e-mailed link (activation, new password) or a pending login that
    /// was used, revoked, has expired or never existed: the same answer
    /// for all, so that nothing is revealed.
    #[error("Ce lien n'est plus valide.")]
    NoLongerValid,
    /// The draft was sent as a signalement, or archived: it can no longer
    /// be changed nor sent.
    #[error(
        "Ce brouillon a déjà été envoyé ou archivé : il ne peut plus être modifié ni envoyé. Pour signaler un autre problème, commencez un nouveau signalement."
    )]
    DraftNotEditable,
    /// The file store (or the antivirus) is down or full: the upload can
    /// be retried, and nothing else the person did is lost.
    #[error(
        "Le dépôt du fichier a échoué, réessayez dans quelques minutes : votre signalement est bien enregistré."
    )]
    UploadFailed,
    /// The file store cannot be read right now.
    #[error("Le fichier est momentanément indisponible. Réessayez dans quelques minutes.")]
    FileUnavailable,
    /// The database or another port failed; nothing was changed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl AppError {
    /// The policy's refusal, if that is why.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            AppError::Domain(DomainError::Refused(r)) => Some(r),
            _ => None,
        }
    }

    /// Whether the answer must look like "not found" (nothing revealed).
    pub fn hides_existence(&self) -> bool {
        matches!(
            self,
            AppError::NotFound(_)
                | AppError::Domain(DomainError::NotFound(_))
                | AppError::Domain(DomainError::Refused(Refusal::OutOfScope))
        )
    }
}

impl From<histologe_core::upload::UploadRefusal> for AppError {
    fn from(r: histologe_core::upload::UploadRefusal) -> Self {
        AppError::Domain(r.into())
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Domain(DomainError::Refused(r))
    }
}
